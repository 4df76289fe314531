"""The learning layer's reminder rules (lms.notifications.REMINDER_RULES): a learner idle for
REMINDER_INACTIVE_DAYS in a course that is running, and a learner with a module due within
REMINDER_DUE_DAYS that is not done. Each proposes one reminder per learner, course and item;
notifications sends it once and at most one a week per person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from lms.courses.models import Course
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.extensions import db
from lms.learning import deadlines
from lms.links import absolute_url
from lms.notifications.services import Reminder


def inactive(now: datetime) -> Iterator[Reminder]:
    """Active, unfinished enrolments in a published course between its start and end dates,
    with no activity (or none since enrolling) for REMINDER_INACTIVE_DAYS. The key holds the
    last activity, so a learner who comes back and falls idle again is reminded again."""
    days = int(current_app.config["REMINDER_INACTIVE_DAYS"])
    today = now.date()
    last = func.coalesce(Enrolment.last_activity_at, Enrolment.enrolled_at)
    rows = db.session.execute(
        select(Enrolment.user_id, Enrolment.course_id, last, Course.slug, Course.title)
        .join(Course, Course.id == Enrolment.course_id)
        .where(
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.completed_at.is_(None),
            Course.published.is_(True),
            or_(Course.starts_on.is_(None), Course.starts_on <= today),
            or_(Course.ends_on.is_(None), Course.ends_on >= today),
            last < now - timedelta(days=days),
        )
        .order_by(Enrolment.user_id, Enrolment.course_id)
    )
    for user_id, course_id, last_seen, slug, title in rows:
        yield Reminder(
            user_id=user_id,
            key=f"reminder:inactive:{course_id}:{last_seen:%Y%m%d%H%M}",
            subject=_l("Continue your course “%(course)s”", course=title),
            text=_l(
                "You have not studied in “%(course)s” for %(days)d days. Pick up where you left off:",
                course=title,
                days=days,
            ),
            link=absolute_url("learning.resume", slug=slug),
        )


def due(now: datetime) -> Iterator[Reminder]:
    """Modules due within REMINDER_DUE_DAYS and not done (deadlines.due_soon)."""
    for deadline in deadlines.due_soon(int(current_app.config["REMINDER_DUE_DAYS"]), now):
        yield Reminder(
            user_id=deadline.user_id,
            key=f"reminder:due:{deadline.course_id}:{deadline.module_id}:{deadline.closes_at:%Y%m%d%H%M}",
            subject=_l("Due soon: “%(module)s” in “%(course)s”", module=deadline.module_title,
                       course=deadline.course_title),
            text=lambda deadline=deadline: _(
                "“%(module)s” is due %(due)s and is not done yet.",
                module=deadline.module_title,
                due=deadlines.shown_due(deadline),
            ),
            link=absolute_url("learning.resume", slug=deadline.course_slug),
        )  # fmt: skip
