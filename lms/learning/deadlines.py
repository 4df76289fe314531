"""Deadlines: the queries behind what is due, what is late and who is behind.

A module with a due date is done for a learner once they have done what the course's completion
rule counts in it (its lessons, its quiz, or both); it is late when its deadline has passed and
it is not done. A deadline is a whole day (`Module.due_on`, late from the next midnight UTC)
or a moment (`Module.due_at`, naive UTC).

Each function is one SQL statement whatever the number of learners, courses or modules: a row
per (enrolment, module with a due date), with the learner's counts as correlated subqueries.
My learning, the cohort table, the calendar feed and deadline reminders (`due_soon`) all read
them, so "done" and "late" mean the same everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from lms.accounts.models import User
from lms.columns import utcnow
from lms.courses.models import CompletionRule, Course, Lesson, Module
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.extensions import db
from lms.learning.models import LessonCompletion
from lms.quizzes.models import Quiz, QuizAttempt


@dataclass(frozen=True)
class Deadline:
    """One learner's due date for one module."""

    user_id: int
    course_id: int
    course_slug: str
    course_title: str
    course_language: str
    module_id: int
    module_slug: str
    module_title: str
    due_on: date | None
    due_at: datetime | None  # naive UTC
    done: bool
    course_updated_at: datetime | None = field(default=None, compare=False)

    @property
    def closes_at(self) -> datetime:
        """The moment (naive UTC) from which the module is late if not done."""
        if self.due_at is not None:
            return self.due_at
        return datetime.combine(self.due_on + timedelta(days=1), time())

    def late(self, now: datetime | None = None) -> bool:
        return not self.done and (now or utcnow()) >= self.closes_at


def shown_due(deadline: Deadline) -> str:
    """A due date as pages show it, in the reader's language: the day, or the day and time in UTC."""
    if deadline.due_at is None:
        return format_date(deadline.due_on, "medium")
    return _("%(moment)s UTC", moment=format_datetime(deadline.due_at, "medium"))


@dataclass
class CourseDeadlines:
    """A learner's deadlines in one course: the next one to meet, and those already missed."""

    next: Deadline | None = None
    late: list[Deadline] = field(default_factory=list)


def _deadlines(*conditions) -> list[Deadline]:
    """Every (enrolment, module with a due date) matching `conditions`, soonest first."""
    lessons_total = (
        select(func.count(Lesson.id)).where(Lesson.module_id == Module.id).correlate(Module).scalar_subquery()
    )
    lessons_done = (
        select(func.count())
        .select_from(LessonCompletion)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(Lesson.module_id == Module.id, LessonCompletion.user_id == Enrolment.user_id)
        .correlate(Module, Enrolment)
        .scalar_subquery()
    )
    quiz_passed = (
        exists()
        .where(QuizAttempt.quiz_id == Quiz.id, QuizAttempt.user_id == Enrolment.user_id, QuizAttempt.passed)
        .correlate(Quiz, Enrolment)
    )
    rows = db.session.execute(
        select(
            Enrolment.user_id,
            Course.id,
            Course.slug,
            Course.title,
            Course.language,
            Course.completion_rule,
            Course.updated_at,
            Module.id,
            Module.slug,
            Module.title,
            Module.due_on,
            Module.due_at,
            lessons_total,
            lessons_done,
            Quiz.id,
            quiz_passed,
        )  # fmt: skip
        .select_from(Enrolment)
        .join(Course, Course.id == Enrolment.course_id)
        .join(Module, Module.course_id == Course.id)
        .outerjoin(Quiz, Quiz.module_id == Module.id)
        .where(or_(Module.due_on.is_not(None), Module.due_at.is_not(None)), *conditions)
        .order_by(Enrolment.user_id, Course.id, Module.position)
    )
    found = []
    for (user_id, course_id, slug, title, language, rule, updated_at, module_id, module_slug, module_title,
         due_on, due_at, total, done, quiz_id, passed) in rows:  # fmt: skip
        rule = CompletionRule(rule)
        finished = (not rule.counts_lessons or done >= total) and (
            not rule.counts_quizzes or quiz_id is None or bool(passed)
        )
        found.append(
            Deadline(
                user_id,
                course_id,
                slug,
                title,
                language,
                module_id,
                module_slug,
                module_title,
                due_on,
                due_at,
                finished,
                updated_at,
            )  # fmt: skip
        )
    found.sort(key=lambda d: (d.user_id, d.closes_at, d.course_id))
    return found


def _studying():
    """Active enrolments of active people in published courses."""
    return (
        Enrolment.status == EnrolmentStatus.ACTIVE,
        Course.published.is_(True),
        Enrolment.user_id.in_(select(User.id).where(User.active.is_(True), User.withdrawn_at.is_(None))),
    )


def by_course(user_id: int, course_ids: list[int], now: datetime | None = None) -> dict[int, CourseDeadlines]:
    """What My learning shows per course: the next module due and not done, and the late ones."""
    if not course_ids:
        return {}
    now = now or utcnow()
    result: dict[int, CourseDeadlines] = {}
    for deadline in _deadlines(
        Enrolment.user_id == user_id,
        Enrolment.course_id.in_(course_ids),
        Enrolment.status == EnrolmentStatus.ACTIVE,
    ):
        if deadline.done:
            continue
        mine = result.setdefault(deadline.course_id, CourseDeadlines())
        if deadline.late(now):
            mine.late.append(deadline)
        elif mine.next is None:
            mine.next = deadline
    return result


def behind(course_id: int, now: datetime | None = None) -> dict[int, list[Deadline]]:
    """The cohort's late modules: user id -> their late deadlines (only learners behind)."""
    now = now or utcnow()
    late: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in _deadlines(Enrolment.course_id == course_id, Enrolment.status == EnrolmentStatus.ACTIVE):
        if deadline.late(now):
            late[deadline.user_id].append(deadline)
    return dict(late)


def of_learner(user_id: int) -> list[Deadline]:
    """Every due date of a learner's courses, done or not, soonest first (the calendar feed)."""
    return _deadlines(Enrolment.user_id == user_id, *_studying())


def due_soon(days: int, now: datetime | None = None) -> list[Deadline]:
    """Learners with a module due in the next `days` days and not done, for deadline reminders:
    a timed deadline between now and now + days, a day deadline on one of today … today + days
    (UTC). Late modules are not included. Sorted by learner, then soonest first."""
    now = now or utcnow()
    today = now.date()
    window = or_(
        Module.due_at.between(now, now + timedelta(days=days)),
        Module.due_on.between(today, today + timedelta(days=days)),
    )
    return [deadline for deadline in _deadlines(window, *_studying()) if not deadline.done]
