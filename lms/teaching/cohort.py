"""The cohort table a trainer sees: each learner's progress, quiz scores and last activity,
computed with a fixed number of grouped queries whatever the size of the cohort."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.learning import deadlines
from lms.learning.models import LessonCompletion
from lms.learning.progress import Tally
from lms.quizzes.models import QuizAttempt

SORT_KEYS = ("name", "progress", "last_activity", "enrolled", "behind")


@dataclass
class CohortMember:
    user: User
    enrolment: Enrolment
    progress: Tally
    best_scores: dict[int, float]  # quiz id -> best score
    late: list[deadlines.Deadline] = field(default_factory=list)  # modules past their due date, not done

    @property
    def last_activity(self) -> datetime | None:
        return self.enrolment.last_activity_at


def has_deadlines(course: Course) -> bool:
    return any(module.due_on is not None or module.due_at is not None for module in course.modules)


def cohort(
    course: Course, sort: str = "name", descending: bool = False, only_behind: bool = False
) -> list[CohortMember]:
    """Needs `course` loaded with modules, lessons and quizzes. One more query when some of its
    modules have due dates (who is late on which), whatever the size of the cohort."""
    rows = db.session.execute(
        select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.course_id == course.id)
    ).all()
    lessons_done = dict(
        db.session.execute(
            select(LessonCompletion.user_id, func.count())
            .where(LessonCompletion.course_id == course.id)
            .group_by(LessonCompletion.user_id)
        ).all()
    )
    passed = dict(
        db.session.execute(
            select(QuizAttempt.user_id, func.count(distinct(QuizAttempt.quiz_id)))
            .where(QuizAttempt.course_id == course.id, QuizAttempt.passed.is_(True))
            .group_by(QuizAttempt.user_id)
        ).all()
    )
    best: dict[int, dict[int, float]] = {}
    for user_id, quiz_id, score in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.max(QuizAttempt.score))
        .where(QuizAttempt.course_id == course.id)
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    ):
        best.setdefault(user_id, {})[quiz_id] = score
    rule = course.completion_rule
    lesson_total = len(course.lessons) if rule.counts_lessons else 0
    quiz_total = len(course.quizzes) if rule.counts_quizzes else 0
    late = deadlines.behind(course.id) if has_deadlines(course) else {}
    members = []
    for enrolment, user in rows:
        done = (lessons_done.get(user.id, 0) if rule.counts_lessons else 0) + (
            passed.get(user.id, 0) if rule.counts_quizzes else 0
        )
        members.append(
            CohortMember(
                user,
                enrolment,
                Tally(done, lesson_total + quiz_total),
                best.get(user.id, {}),
                late.get(user.id, []),
            )  # fmt: skip
        )
    if only_behind:
        members = [member for member in members if member.late]
    key = {
        "name": lambda m: m.user.full_name.casefold(),
        "progress": lambda m: (m.progress.percent, m.user.full_name.casefold()),
        "last_activity": lambda m: (m.last_activity is not None, m.last_activity or datetime.min),
        "enrolled": lambda m: m.enrolment.enrolled_at,
        "behind": lambda m: (len(m.late), m.user.full_name.casefold()),
    }.get(sort, lambda m: m.user.full_name.casefold())
    return sorted(members, key=key, reverse=descending)
