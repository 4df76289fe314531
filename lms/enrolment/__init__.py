"""Enrolment: joining and leaving courses, and cohort enrolment from a CSV file."""

from flask import Blueprint, Flask

bp = Blueprint("enrolment", __name__)


def init_app(app: Flask) -> None:
    from lms.enrolment import views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.enrolment.jobs import IMPORT
    from lms.jobs.services import register as register_job_kind

    app.register_blueprint(bp)
    register_job_kind(IMPORT)
