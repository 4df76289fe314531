"""A job: long work (an export, a cohort import) that one person started and then watches."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.columns import enum_column, utcnow
from lms.extensions import db


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobError(RuntimeError):
    """A job cannot do this now (retry a job that did not fail, download one not ready)."""


class Job(db.Model):
    """State, progress and result of one task run for its owner. The result file lives in
    EXPORTS_DIR under `file_name` until `expires_at`; `problem` is a code (jobs.kinds.PROBLEMS),
    rendered in the reader's language, never stored as text."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("done >= 0 AND (total IS NULL OR total >= 0)", name="progress"),
        CheckConstraint(
            "(state IN ('succeeded', 'failed')) = (finished_at IS NOT NULL)", name="finished_when_ended"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[JobState] = enum_column(JobState, default=JobState.QUEUED)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    problem: Mapped[str | None] = mapped_column(String(40))
    file_name: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    @property
    def ended(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def start(self, now: datetime) -> None:
        self.state = JobState.RUNNING
        self.attempts += 1
        self.started_at = now
        self.finished_at = None
        self.problem = None

    def succeed(self, now: datetime, *, file_name: str | None, size: int | None, expires_at) -> None:
        self.state = JobState.SUCCEEDED
        self.finished_at = now
        self.file_name, self.size, self.expires_at = file_name, size, expires_at
        if self.total is not None:
            self.done = self.total

    def fail(self, now: datetime, problem: str) -> None:
        self.state = JobState.FAILED
        self.finished_at = now
        self.problem = problem

    def requeue(self) -> None:
        """Try a failed job again (its owner asked)."""
        if self.state != JobState.FAILED:
            raise JobError("only a failed job can be tried again")
        self.state = JobState.QUEUED
        self.finished_at = None
        self.done = 0
