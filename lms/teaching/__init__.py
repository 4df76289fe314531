"""Teaching: trainers' cohorts, and administrators assigning trainers to courses."""

from flask import Blueprint, Flask

bp = Blueprint("teaching", __name__)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.roles import Role
    from lms.teaching import views  # noqa: F401
    from lms.web import add_navigation

    app.register_blueprint(bp)
    add_navigation("teaching.courses", _l("Teaching"), Role.TRAINER)
    add_navigation("teaching.manage_courses", _l("Manage courses"), Role.ADMIN)
