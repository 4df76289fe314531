"""Courses: their structure (modules, lessons), the catalogue and the course page."""

from collections.abc import Callable

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.courses.labels import AUDIENCE_LABELS, RULE_LABELS
from lms.web import add_navigation

bp = Blueprint("courses", __name__)

# The course page also shows the visitor's own place in the course (enrolment, progress, the
# enrol form). That belongs to layers above this one, which add a provider in their init_app:
# a provider takes the course and what earlier providers found (read-only: the learning
# domain's `enrolment` comes first), and returns template variables.
COURSE_PAGE_CONTEXT: list[Callable] = []


def add_course_page_context(provider: Callable) -> None:
    if provider not in COURSE_PAGE_CONTEXT:
        COURSE_PAGE_CONTEXT.append(provider)


def init_app(app: Flask) -> None:
    from sqlalchemy import event

    from lms.courses import views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.courses.outline import touch_changed_courses
    from lms.extensions import db

    app.register_blueprint(bp)
    if not event.contains(db.session, "before_flush", touch_changed_courses):
        event.listen(db.session, "before_flush", touch_changed_courses)
    app.jinja_env.globals.update(audience_labels=AUDIENCE_LABELS, rule_labels=RULE_LABELS)
    add_navigation("courses.catalogue", _l("Courses"))
