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

Date arithmetic and period labels differ between the two databases; the small SQL constructs
below compile to each dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, ColumnElement, String, and_, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateStatus
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.quizzes.models import QuizAttempt

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ReportFilter:
    """Which enrolments a report counts. `course_ids` None: every course (admins only)."""

    course_ids: tuple[int, ...] | None = None
    country: str | None = None
    institution: str | None = None
    profile_role: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    # What a person asked for, kept to describe the report (slugs, codes; never personal data).
    described: dict = field(default_factory=dict, compare=False)


# -- dialect-specific pieces ---------------------------------------------------------------


class epoch_seconds(FunctionElement):  # noqa: N801  (reads like a SQL function)
    """Whole seconds since 1970 of a timestamp (fractions dropped), as an integer."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds)
def _epoch_postgresql(element, compiler, **kw):
    return (
        f"CAST(EXTRACT(EPOCH FROM date_trunc('second', {compiler.process(element.clauses, **kw)})) AS BIGINT)"
    )


class period_label(FunctionElement):  # noqa: N801
    """'2025', '2025-Q3' or '2025-07' for a timestamp; the unit is the first argument."""

    type = String()
    inherit_cache = True

    def __init__(self, unit: str, column):
        self.unit = unit
        super().__init__(column)


@compiles(period_label, "sqlite")
def _period_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    if element.unit == "year":
        return f"strftime('%Y', {column})"
    if element.unit == "month":
        return f"strftime('%Y-%m', {column})"
    return f"(strftime('%Y', {column}) || '-Q' || ((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"


@compiles(period_label)
def _period_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    pattern = {"year": "YYYY", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q'}[element.unit]
    return f"to_char({column}, '{pattern}')"


class unindexed(FunctionElement):  # noqa: N801
    """A column SQLite must not walk an index for: `+column` there, the column elsewhere.

    Grouping by enrolment.course_id made SQLite scan the whole table through
    ix_enrolment_course_id, a random read per row; a plain scan is about three times faster.
    Filters are unaffected: they use the column itself.
    """

    inherit_cache = True

    def __init__(self, column):
        self.type = column.type
        super().__init__(column)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


def whole_days(start, end) -> ColumnElement:
    """Complete 24-hour days from `start` to `end` (seconds truncated first; integer division)."""
    return (epoch_seconds(end) - epoch_seconds(start)) // SECONDS_PER_DAY


# -- breakdowns: what a group is -------------------------------------------------------------


def group_columns(breakdown: str) -> list[ColumnElement]:
    """The SQL expressions a breakdown groups by; `overall` has a single constant group."""
    enrolment, user = Enrolment.__table__.c, User.__table__.c
    if breakdown == "overall":
        return [literal("all")]
    if breakdown == "course":
        return [unindexed(enrolment.course_id)]
    if breakdown == "country":
        return [user.country]
    if breakdown == "institution":
        # Grouped within the country, so that the institutions of a country add up to it.
        return [user.country, user.institution]
    if breakdown == "profile_role":
        return [user.profile_role]
    if breakdown in ("year", "quarter", "month"):
        return [period_label(breakdown, enrolment.enrolled_at)]
    raise ValueError(f"unknown breakdown {breakdown!r}")


def _conditions(report_filter: ReportFilter) -> list[ColumnElement]:
    enrolment, user = Enrolment.__table__.c, User.__table__.c
    conditions = []
    if report_filter.course_ids is not None:
        conditions.append(enrolment.course_id.in_(report_filter.course_ids))
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


def counts(report_filter: ReportFilter, breakdown: str) -> list[CountRow]:
    """One row per (group, gender) that has at least one enrolment."""
    enrolment, user = Enrolment.__table__, User.__table__
    certificate, attempt = Certificate.__table__, QuizAttempt.__table__
    groups = group_columns(breakdown)

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
        )
        for row in db.session.execute(query)
    ]


def completion_days(report_filter: ReportFilter, breakdown: str) -> list[tuple[tuple, str, int, int]]:
    """(group, gender, whole days from enrolment to completion, number of completers)."""
    enrolment, user = Enrolment.__table__, User.__table__
    groups = group_columns(breakdown)
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


def course_ids_for(slugs: Sequence[str]) -> dict[str, int]:
    from lms.courses.models import Course

    return dict(db.session.execute(select(Course.slug, Course.id).where(Course.slug.in_(list(slugs)))).all())
