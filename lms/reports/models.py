"""The audit log of unsuppressed exports: who took exact figures out of the platform, and which."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
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
