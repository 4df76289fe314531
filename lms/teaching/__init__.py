"""Teaching: trainers' cohorts, and administrators assigning trainers to courses."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("teaching", __name__)


def init_app(app: Flask) -> None:
    from lms.teaching import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
    add_navigation("teaching.courses", _l("Teaching"), Role.TRAINER)
    add_navigation("teaching.manage_courses", _l("Manage courses"), Role.ADMIN)
