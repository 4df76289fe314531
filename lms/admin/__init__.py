"""Administration: people (and, later, certificates and data exports)."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from lms.admin import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
    add_navigation("admin.users", _l("People"), Role.ADMIN)
