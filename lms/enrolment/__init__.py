"""Enrolment: joining and leaving courses, and cohort enrolment from a CSV file."""

from flask import Blueprint, Flask

bp = Blueprint("enrolment", __name__)


def init_app(app: Flask) -> None:
    from lms.enrolment import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
