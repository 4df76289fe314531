"""Learning: reading lessons, marking them complete, progress and the learner's dashboard."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.courses import add_course_page_context
from lms.notifications.services import add_reminder_rule
from lms.quizzes.events import attempt_recorded
from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("learning", __name__)


def init_app(app: Flask) -> None:
    from lms.learning import (
        deadlines,
        reminders,
        services,
        views,
    )  # here, not above: views register routes on bp

    app.register_blueprint(bp)
    app.jinja_env.filters["due_when"] = deadlines.shown_due
    add_navigation("learning.dashboard", _l("My learning"), Role.LEARNER)
    # The layers below show progress without importing learning: they call back.
    add_course_page_context(views.course_page_context)
    attempt_recorded.connect(services.on_attempt_recorded)  # connecting twice is a no-op
    add_reminder_rule("inactive", reminders.inactive)
    add_reminder_rule("due", reminders.due)
