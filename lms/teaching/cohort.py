"""The cohort table a trainer sees: each learner's progress, quiz scores and last activity,
computed with a fixed number of grouped queries whatever the size of the cohort."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, select, true

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


PER_PAGE = 50  # learners per page of the cohort table (the CSV has them all)


@dataclass(frozen=True)
class _Standing:
    """What the cohort table sorts and filters by, for one learner: plain values from grouped
    queries, so that a cohort of thousands is ranked without building its ORM objects."""

    user_id: int
    name: str
    enrolled_at: datetime
    last_activity: datetime | None
    progress: Tally
    late: list[deadlines.Deadline]


@dataclass
class CohortPage:
    """One page of the ranked cohort, with what the `pagination` macro reads."""

    members: list[CohortMember]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _ranked(course: Course, sort: str, descending: bool, only_behind: bool) -> list[_Standing]:
    """Every learner's standing, sorted: three grouped statements (four with due dates)."""
    rows = db.session.execute(
        select(Enrolment.user_id, User.full_name, Enrolment.enrolled_at, Enrolment.last_activity_at)
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
    rule = course.completion_rule
    lesson_total = len(course.lessons) if rule.counts_lessons else 0
    quiz_total = len(course.quizzes) if rule.counts_quizzes else 0
    late = deadlines.behind(course.id) if has_deadlines(course) else {}
    standings = []
    for user_id, name, enrolled_at, last_activity in rows:
        done = (lessons_done.get(user_id, 0) if rule.counts_lessons else 0) + (
            passed.get(user_id, 0) if rule.counts_quizzes else 0
        )
        standings.append(
            _Standing(
                user_id,
                name.casefold(),
                enrolled_at,
                last_activity,
                Tally(done, lesson_total + quiz_total),
                late.get(user_id, []),
            )  # fmt: skip
        )
    if only_behind:
        standings = [standing for standing in standings if standing.late]
    key = {
        "name": lambda s: (s.name, s.user_id),
        "progress": lambda s: (s.progress.percent, s.name, s.user_id),
        "last_activity": lambda s: (s.last_activity is not None, s.last_activity or datetime.min, s.user_id),
        "enrolled": lambda s: (s.enrolled_at, s.user_id),
        "behind": lambda s: (len(s.late), s.name, s.user_id),
    }.get(sort, lambda s: (s.name, s.user_id))
    return sorted(standings, key=key, reverse=descending)


def _members(course: Course, standings: list[_Standing], everyone: bool = False) -> list[CohortMember]:
    """The table rows for `standings`, in their order: two statements for any number. With
    `everyone` the statements read the whole cohort rather than an IN list of its ids (a list of
    tens of thousands of parameters is beyond what SQLite accepts)."""
    ids = [standing.user_id for standing in standings]
    if not ids:
        return []
    chosen = Enrolment.user_id.in_(ids) if not everyone else true()
    tried = QuizAttempt.user_id.in_(ids) if not everyone else true()
    loaded = {
        user.id: (enrolment, user)
        for enrolment, user in db.session.execute(
            select(Enrolment, User)
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_id == course.id, chosen)
        ).all()
    }
    best: dict[int, dict[int, float]] = {}
    for user_id, quiz_id, score in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.max(QuizAttempt.score))
        .where(QuizAttempt.course_id == course.id, tried)
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    ):
        best.setdefault(user_id, {})[quiz_id] = score
    members = []
    for standing in standings:
        if standing.user_id not in loaded:  # left the course between the two statements
            continue
        enrolment, user = loaded[standing.user_id]
        members.append(CohortMember(user, enrolment, standing.progress, best.get(user.id, {}), standing.late))
    return members


def cohort(
    course: Course, sort: str = "name", descending: bool = False, only_behind: bool = False
) -> list[CohortMember]:
    """The whole cohort, ranked (the CSV). Needs `course` loaded with modules, lessons and
    quizzes. Five statements (six when some modules have due dates), whatever its size."""
    return _members(course, _ranked(course, sort, descending, only_behind), everyone=True)


def cohort_page(
    course: Course,
    page: int = 1,
    sort: str = "name",
    descending: bool = False,
    only_behind: bool = False,
    per_page: int | None = None,
) -> CohortPage:
    """One page of the ranked cohort: the ranking reads plain values for everyone, the rows of
    the page only are built as objects. A page past the end shows the last one."""
    per_page = per_page or PER_PAGE
    standings = _ranked(course, sort, descending, only_behind)
    pages = max(1, -(-len(standings) // per_page))
    page = min(max(page, 1), pages)
    shown = standings[(page - 1) * per_page : page * per_page]
    return CohortPage(_members(course, shown), page, per_page, len(standings))
