"""Announcements: a course's trainers (and administrators) write to its learners, on the course
page and by mail (lms.notifications, kind announcement)."""

from flask import Blueprint, Flask

from lms.courses import add_course_page_context

bp = Blueprint("announcements", __name__)


def init_app(app: Flask) -> None:
    from lms.announcements import services, views  # noqa: F401  (routes; services declares the task)

    app.register_blueprint(bp)
    add_course_page_context(views.course_page_announcements)
