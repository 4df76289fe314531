"""Administration: people (and, later, certificates and data exports)."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from lms.admin import views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.admin.jobs import AUDIT_CSV
    from lms.jobs.services import register as register_job_kind

    app.register_blueprint(bp)
    register_job_kind(AUDIT_CSV)
    add_navigation("admin.users", _l("People"), Role.ADMIN)
