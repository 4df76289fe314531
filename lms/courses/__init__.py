"""Courses: their structure (modules, lessons), the catalogue and the course page."""

from flask import Blueprint, Flask

bp = Blueprint("courses", __name__)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.courses import views  # noqa: F401
    from lms.courses.labels import AUDIENCE_LABELS, RULE_LABELS
    from lms.web import add_navigation

    app.register_blueprint(bp)
    app.jinja_env.globals.update(audience_labels=AUDIENCE_LABELS, rule_labels=RULE_LABELS)
    add_navigation("courses.catalogue", _l("Courses"))
