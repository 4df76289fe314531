"""Participation data: gender-disaggregated dashboards, exports and the policy brief."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.config import ConfigurationError
from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("reports", __name__)


def init_app(app: Flask) -> None:
    from lms.jobs.services import register as register_job_kind
    from lms.reports import cli, models, summary, views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.reports.jobs import KINDS

    app.config.setdefault("REPORTS_SUPPRESSION_THRESHOLD", 5)
    threshold = app.config["REPORTS_SUPPRESSION_THRESHOLD"] = int(app.config["REPORTS_SUPPRESSION_THRESHOLD"])
    if threshold < 3:  # below 3, "<T" would name the exact count (1 or nothing)
        raise ConfigurationError("REPORTS_SUPPRESSION_THRESHOLD must be at least 3.")
    summary.listen()  # the participation summary follows every write, in its transaction
    app.register_blueprint(bp)
    for kind in KINDS.values():
        register_job_kind(kind)
    app.cli.add_command(cli.reports)
    add_navigation("reports.dashboard", _l("Participation data"), Role.TRAINER)
