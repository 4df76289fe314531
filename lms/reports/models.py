"""The reports domain's tables: the audit log of unsuppressed exports (who took exact figures out of
the platform, and which) and the maintained participation summary (lms.reports.summary)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import utcnow
from lms.extensions import db


class ReportExport(db.Model):
    """One unsuppressed export. Never deleted with the account: `actor_email` keeps who it was."""

    __tablename__ = "report_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))  # "web" or "cli"
    format: Mapped[str] = mapped_column(String(16))  # "csv"
    filters: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


# -- the maintained summary of participation (lms.reports.summary) ------------------------------


class _SummaryKey:
    """The key of a summary row: a level (how fine it is, `lms.reports.summary.LEVELS`) and the
    dimensions every breakdown and filter uses. A dimension a level does not keep holds its
    "any" value ('' or `summary.ANY_DAY`), never NULL, so that the primary key can be upserted
    on both databases (NULLs never conflict). A learner without a country is ''."""

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # enrolment day (UTC); month start; ANY_DAY
    gender: Mapped[str] = mapped_column(String(16), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    institution: Mapped[str] = mapped_column(String(200), primary_key=True)
    profile_role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ParticipationSummary(_SummaryKey, db.Model):
    """Additive measures of the enrolments with one key: what `lms.reports.queries.counts` sums.
    Key sums are the record keys' plain sums (the modulus is taken when a figure is shown), so
    they add up across rows exactly as the counts do."""

    __tablename__ = "enrolment_summary"
    __table_args__ = (
        Index("ix_enrolment_summary_level_day", "level", "day"),
        Index("ix_enrolment_summary_level_country", "level", "country", "institution"),
        Index("ix_enrolment_summary_level_role_day", "level", "profile_role", "day"),
    )

    enrolled: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    certified: Mapped[int] = mapped_column(default=0)
    quiz_takers: Mapped[int] = mapped_column(default=0)
    quiz_scores: Mapped[int] = mapped_column(default=0)
    quiz_score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    enrolled_key: Mapped[int] = mapped_column(BigInteger, default=0)
    started_key: Mapped[int] = mapped_column(BigInteger, default=0)
    completed_key: Mapped[int] = mapped_column(BigInteger, default=0)
    certified_key: Mapped[int] = mapped_column(BigInteger, default=0)
    quiz_takers_key: Mapped[int] = mapped_column(BigInteger, default=0)


class ParticipationDays(_SummaryKey, db.Model):
    """How many completed enrolments with one key took `days` whole days: medians come from it."""

    __tablename__ = "enrolment_days"
    __table_args__ = (
        Index("ix_enrolment_days_level_day", "level", "day"),
        Index("ix_enrolment_days_level_country", "level", "country", "institution"),
        Index("ix_enrolment_days_level_role_day", "level", "profile_role", "day"),
    )

    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    completers: Mapped[int] = mapped_column(default=0)


# The levels of summary rows: which dimensions a row keeps. Every enrolment is counted once at
# each level; a report reads the coarsest level that has what it filters and groups by.
FINE = 0  # every dimension: course, enrolment day, gender, country, institution, profile role
COURSE_DAY = 1  # course, enrolment day, gender
COURSE_MONTH = 2  # course, first day of the enrolment month, gender
COURSE = 3  # course, gender (all time)
COURSE_PLACE = 4  # course, gender, country, institution (all time)
COURSE_ROLE = 5  # course, gender, profile role (all time)
# Every course together (course_id ANY_COURSE): first day of the enrolment month, gender, country,
# institution, profile role. An administrator's report filtered by place or profile role and
# period reads these (with FINE rows for the days of a month cut by the period), not FINE rows:
# at a million enrolments 127,000 rows against 991,000.
PROFILE_MONTH = 6
LEVELS = (FINE, COURSE_DAY, COURSE_MONTH, COURSE, COURSE_PLACE, COURSE_ROLE, PROFILE_MONTH)
ANY_DAY = date(1970, 1, 1)  # the day of the rows that keep none
ANY_COURSE = 0  # the course of the rows that keep none (no course has id 0)


def level_key(level: int, fine: tuple) -> tuple:
    """The key at `level` of a FINE key (course_id, day, gender, country, institution, profile_role)."""
    course_id, day, gender = fine[:3]
    if level == FINE:
        return fine
    if level == COURSE_DAY:
        return (course_id, day, gender, "", "", "")
    if level == COURSE_MONTH:
        return (course_id, day.replace(day=1), gender, "", "", "")
    if level == COURSE_PLACE:
        return (course_id, ANY_DAY, gender, fine[3], fine[4], "")
    if level == COURSE_ROLE:
        return (course_id, ANY_DAY, gender, "", "", fine[5])
    if level == PROFILE_MONTH:
        return (ANY_COURSE, day.replace(day=1), gender, *fine[3:6])
    return (course_id, ANY_DAY, gender, "", "", "")
