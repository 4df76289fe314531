"""Who takes which course. An enrolment is never deleted: leaving keeps it, marked as left,
because the participation statistics count everyone who ever enrolled."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import enum_column, utcnow
from lms.courses.models import Course
from lms.extensions import db

# Participation statistics perturb each published count by a noise read from its "cell key":
# the sum, modulo this number, of the record keys of the enrolments it counts (lms.reports.
# disclosure). A record key is drawn once, uniformly, and never changes or leaves the platform.
RECORD_KEY_MODULUS = 1_000_000


def new_record_key() -> int:
    return secrets.randbelow(RECORD_KEY_MODULUS)


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class EnrolmentSource(enum.StrEnum):
    SELF = "self"
    COHORT = "cohort"


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrolment_course_status", "course_id", "status"),
        # Participation data filters by course and enrolment period.
        Index("ix_enrolment_course_enrolled", "course_id", "enrolled_at"),
        CheckConstraint(f"record_key >= 0 AND record_key < {RECORD_KEY_MODULUS}", name="record_key_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrolmentStatus] = enum_column(EnrolmentStatus, default=EnrolmentStatus.ACTIVE)
    source: Mapped[EnrolmentSource] = enum_column(EnrolmentSource, default=EnrolmentSource.SELF)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    left_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]  # first lesson opened or quiz submitted
    last_activity_at: Mapped[datetime | None]
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    # Set once, by a conditional UPDATE, when the completion rule is first met.
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_version: Mapped[str | None] = mapped_column(String(40))
    # Secret and permanent: see RECORD_KEY_MODULUS. Never shown, never exported.
    record_key: Mapped[int] = mapped_column(default=new_record_key)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()

    @property
    def active(self) -> bool:
        return self.status is EnrolmentStatus.ACTIVE

    def leave(self) -> None:
        if self.active:
            self.status = EnrolmentStatus.LEFT
            self.left_at = utcnow()

    def rejoin(self) -> None:
        self.status = EnrolmentStatus.ACTIVE
        self.left_at = None
