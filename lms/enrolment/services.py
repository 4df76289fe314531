"""Joining and leaving courses. Functions flush; the caller commits."""

from __future__ import annotations

import hmac
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.columns import utcnow
from lms.courses.models import Course
from lms.courses.outline import outline_of
from lms.database import insert_unless_present
from lms.enrolment.models import Enrolment, EnrolmentSource
from lms.errors import DomainError
from lms.extensions import db
from lms.links import absolute_url
from lms.notifications.models import Kind
from lms.notifications.services import notify


class EnrolmentError(DomainError):
    """Enrolment refused; the message says why."""


def enrolment_for(user_id: int, course_id: int) -> Enrolment | None:
    return db.session.execute(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    ).scalar_one_or_none()


def enrol(user: User, course: Course, *, key: str | None = None, today: date | None = None,
          source: EnrolmentSource = EnrolmentSource.SELF) -> Enrolment:  # fmt: skip
    """Enrol `user`, or bring back an enrolment they left. Self-enrolment checks the course's
    window and key; cohort enrolment by an administrator does not. Raises EnrolmentError."""
    if not course.published:
        raise EnrolmentError(_("This course is not open for enrolment."))
    if source is EnrolmentSource.SELF:
        if not course.enrolment_open(today or date.today()):
            raise EnrolmentError(_("Enrolment for this course is closed."))
        if course.enrolment_key and not hmac.compare_digest(
            (key or "").strip().encode(), course.enrolment_key.encode()
        ):
            raise EnrolmentError(_("The enrolment key is not correct."))
    enrolment = enrolment_for(user.id, course.id) or _new_enrolment(user, course, source)
    if not enrolment.active:
        enrolment.rejoin()
    db.session.flush()
    return enrolment


def _new_enrolment(user: User, course: Course, source: EnrolmentSource) -> Enrolment:
    """Insert the enrolment unless the same person's other request (a double click, two tabs)
    inserted it meanwhile; either way the row is the answer, so neither request fails."""
    db.session.execute(
        insert_unless_present(Enrolment).values(
            user_id=user.id, course_id=course.id, source=source, enrolled_at=utcnow()
        )
    )
    return enrolment_for(user.id, course.id)


def leave(enrolment: Enrolment) -> None:
    """Stop taking the course; the record (and progress) stays for statistics and a later return."""
    enrolment.leave()
    db.session.flush()


ACTIVITY_RESOLUTION = timedelta(minutes=5)


def record_activity(enrolment: Enrolment, lesson_id: int | None = None) -> bool:
    """Note when the learner was last active and where. Re-reading the same lesson within a
    few minutes writes nothing, so page views do not queue behind each other for the
    database's write lock. Returns True when something changed."""
    now = utcnow()
    moved = lesson_id is not None and enrolment.last_lesson_id != lesson_id
    stale = enrolment.last_activity_at is None or now - enrolment.last_activity_at >= ACTIVITY_RESOLUTION
    if not (moved or stale or enrolment.started_at is None):
        return False
    enrolment.last_activity_at = now
    if enrolment.started_at is None:
        enrolment.started_at = now
    if lesson_id is not None:
        enrolment.last_lesson_id = lesson_id
    return True


def first_step(course: Course):
    """The lesson a newcomer starts with (the course's first, with its slug and title), or None
    for a course without one. From the cached outline: `course.lessons` loads every module's
    lessons as ORM objects, which cost the enrolments in a 500-lesson course 3 % of the server's time
    when 200 learners arrived at once (bench_pages, Locust, py-spy)."""
    lessons = outline_of(course).lessons
    return lessons[0] if lessons else None


def welcome_text(course: Course, enrolled_by: User | None = None):
    """The welcome's text, rendered later in the learner's language: who enrolled them (a
    cohort upload) and the course's first step."""
    step = first_step(course)

    def text() -> str:
        lines = []
        if enrolled_by is not None:
            lines.append(_("%(name)s enrolled you in this course.", name=enrolled_by.full_name))
        if step is not None:
            lines.append(_("Your first step: %(lesson)s", lesson=step.title))
        return "\n".join(lines)

    return text


def welcome(user: User, course: Course, *, enrolled_by: User | None = None, email: bool = True) -> None:
    """Tell a newly enrolled learner (`notify`, kind enrolment): once per enrolment. Flushes only."""
    step = first_step(course)
    link = (
        absolute_url("learning.lesson", slug=course.slug, lesson_slug=step.slug)
        if step is not None
        else absolute_url("courses.course", slug=course.slug)
    )
    enrolment = enrolment_for(user.id, course.id)
    notify(
        user,
        Kind.ENROLMENT,
        f"enrolment:{enrolment.id}",
        _l("Welcome to “%(course)s”", course=course.title),
        welcome_text(course, enrolled_by),
        link,
        email=email,
    )
