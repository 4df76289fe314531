"""Learning: reading lessons, marking them complete, progress and the learner's dashboard."""

from flask import Blueprint, Flask

bp = Blueprint("learning", __name__)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.learning import views  # noqa: F401
    from lms.roles import Role
    from lms.web import add_navigation

    app.register_blueprint(bp)
    add_navigation("learning.dashboard", _l("My learning"), Role.LEARNER)
