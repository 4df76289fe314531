"""The aggregation queries: everything is counted by the database, grouped by (group, gender).

Two statements per breakdown, whatever the number of learners:

* `counts` — enrolled, started, completed, certified and the quiz-score sums per group and
  gender, in one GROUP BY over enrolment ⋈ user, left-joined to the learner's valid certificate
  (at most one per learner and course: the certificate table's partial unique index) and to
  the learner's best score per quiz.
* `completion_days` — how many completers took each whole number of days, per group and gender.
  Medians are read from this histogram in Python: it is bounded by groups × distinct day
  counts (and never by learners), and unlike `percentile_cont` it works the same on SQLite and
  PostgreSQL. The histograms of groups add up, so the overall median needs no third query.

What a group is comes from the breakdown registry (`lms.reports.breakdowns`); every filter is
a condition in the statements (date arithmetic and period labels: `lms.reports.sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateStatus
from lms.courses.models import Course
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from lms.reports import breakdowns
from lms.reports.sql import whole_days


@dataclass(frozen=True)
class ReportFilter:
    """Which enrolments a report counts. `course_ids` None: every course (admins only)."""

    course_ids: tuple[int, ...] | None = None
    audience: str | None = None  # courses for this audience only
    country: str | None = None
    institution: str | None = None
    profile_role: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    # What a person asked for, kept to describe the report (slugs, codes; never personal data).
    described: dict = field(default_factory=dict, compare=False)


def _conditions(report_filter: ReportFilter) -> list[ColumnElement]:
    enrolment, user = Enrolment.__table__.c, User.__table__.c
    conditions = []
    if report_filter.course_ids is not None:
        conditions.append(enrolment.course_id.in_(report_filter.course_ids))
    if report_filter.audience:
        course = Course.__table__.c
        conditions.append(
            enrolment.course_id.in_(select(course.id).where(course.audience == report_filter.audience))
        )
    if report_filter.country:
        conditions.append(user.country == report_filter.country)
    if report_filter.institution:
        conditions.append(user.institution == report_filter.institution)
    if report_filter.profile_role:
        conditions.append(user.profile_role == report_filter.profile_role)
    if report_filter.enrolled_from:
        conditions.append(enrolment.enrolled_at >= datetime.combine(report_filter.enrolled_from, time.min))
    if report_filter.enrolled_to:
        end = datetime.combine(report_filter.enrolled_to + timedelta(days=1), time.min)
        conditions.append(enrolment.enrolled_at < end)
    return conditions


@dataclass
class CountRow:
    group: tuple
    gender: str
    enrolled: int
    started: int
    completed: int
    certified: int
    quiz_score_sum: float
    quiz_scores: int  # (learner, quiz) pairs with at least one attempt
    quiz_takers: int  # enrolments with at least one quiz attempt
    # Sums of the counted enrolments' record keys, per count: their cell keys (lms.reports.disclosure).
    enrolled_key: int = 0
    started_key: int = 0
    completed_key: int = 0
    certified_key: int = 0
    quiz_takers_key: int = 0


def _key_sum(condition) -> ColumnElement:
    """The sum of the record keys of the enrolments meeting `condition` (0 when none)."""
    record_key = Enrolment.__table__.c.record_key
    return func.coalesce(func.sum(case((condition, record_key), else_=0)), 0)


def counts(report_filter: ReportFilter, breakdown: str) -> list[CountRow]:
    """One row per (group, gender) that has at least one enrolment."""
    enrolment, user = Enrolment.__table__, User.__table__
    certificate, attempt = Certificate.__table__, QuizAttempt.__table__
    groups = breakdowns.get(breakdown).group_by()

    best = select(
        attempt.c.user_id,
        attempt.c.course_id,
        attempt.c.quiz_id,
        func.max(attempt.c.score).label("best"),
    ).group_by(attempt.c.user_id, attempt.c.course_id, attempt.c.quiz_id)
    if report_filter.course_ids is not None:
        best = best.where(attempt.c.course_id.in_(report_filter.course_ids))
    best = best.subquery("best")
    per_enrolment = (
        select(
            best.c.user_id,
            best.c.course_id,
            func.sum(best.c.best).label("score_sum"),
            func.count().label("quizzes"),
        )
        .group_by(best.c.user_id, best.c.course_id)
        .subquery("scores")
    )
    joined = (
        enrolment.join(user, user.c.id == enrolment.c.user_id)
        .outerjoin(
            certificate,
            and_(
                certificate.c.user_id == enrolment.c.user_id,
                certificate.c.course_id == enrolment.c.course_id,
                certificate.c.status == CertificateStatus.VALID.value,
            ),
        )
        .outerjoin(
            per_enrolment,
            and_(
                per_enrolment.c.user_id == enrolment.c.user_id,
                per_enrolment.c.course_id == enrolment.c.course_id,
            ),
        )
    )
    query = (
        select(
            *groups,
            user.c.gender,
            func.count().label("enrolled"),
            func.count(enrolment.c.started_at).label("started"),
            func.count(enrolment.c.completed_at).label("completed"),
            func.count(certificate.c.id).label("certified"),
            func.coalesce(func.sum(per_enrolment.c.score_sum), 0).label("score_sum"),
            func.coalesce(func.sum(per_enrolment.c.quizzes), 0).label("scores"),
            func.count(per_enrolment.c.user_id).label("takers"),
            func.coalesce(func.sum(enrolment.c.record_key), 0).label("enrolled_key"),
            _key_sum(enrolment.c.started_at.is_not(None)).label("started_key"),
            _key_sum(enrolment.c.completed_at.is_not(None)).label("completed_key"),
            _key_sum(certificate.c.id.is_not(None)).label("certified_key"),
            _key_sum(per_enrolment.c.user_id.is_not(None)).label("takers_key"),
        )
        .select_from(joined)
        .where(*_conditions(report_filter))
        .group_by(*groups, user.c.gender)
    )
    width = len(groups)
    return [
        CountRow(
            group=tuple(_value(v) for v in row[:width]),
            gender=_value(row[width]),
            enrolled=row[width + 1],
            started=row[width + 2],
            completed=row[width + 3],
            certified=row[width + 4],
            quiz_score_sum=float(row[width + 5] or 0),
            quiz_scores=int(row[width + 6] or 0),
            quiz_takers=row[width + 7],
            enrolled_key=int(row[width + 8]),
            started_key=int(row[width + 9]),
            completed_key=int(row[width + 10]),
            certified_key=int(row[width + 11]),
            quiz_takers_key=int(row[width + 12]),
        )
        for row in db.session.execute(query)
    ]


def completion_days(report_filter: ReportFilter, breakdown: str) -> list[tuple[tuple, str, int, int]]:
    """(group, gender, whole days from enrolment to completion, number of completers)."""
    enrolment, user = Enrolment.__table__, User.__table__
    groups = breakdowns.get(breakdown).group_by()
    days = whole_days(enrolment.c.enrolled_at, enrolment.c.completed_at).label("days")
    query = (
        select(*groups, user.c.gender, days, func.count())
        .select_from(enrolment.join(user, user.c.id == enrolment.c.user_id))
        .where(enrolment.c.completed_at.is_not(None), *_conditions(report_filter))
        .group_by(*groups, user.c.gender, days)
    )
    width = len(groups)
    return [
        (tuple(_value(v) for v in row[:width]), _value(row[width]), int(row[width + 1]), row[width + 2])
        for row in db.session.execute(query)
    ]


def _value(member) -> str:
    return getattr(member, "value", member)


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of the values a histogram counts; the mean of the two middle ones if even."""
    total = sum(histogram.values())
    if not total:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower = 0, None
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            return (lower + value) / 2
    raise AssertionError("unreachable")  # pragma: no cover
