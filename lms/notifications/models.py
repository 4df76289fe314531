"""What a person is told (in the site, and by mail) and how they want to be told it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.columns import enum_column, utcnow
from lms.extensions import db


class Kind(enum.StrEnum):
    """What a notification is about; each person chooses per kind how to receive them."""

    ENROLMENT = "enrolment"  # welcome to a course, with its first step
    ANNOUNCEMENT = "announcement"  # a trainer's announcement to a course's learners
    REPLY = "reply"  # a reply to one of the person's threads
    CERTIFICATE = "certificate"  # a course completed: the certificate and its verify link
    REMINDER = "reminder"  # inactivity or a coming deadline
    HUB = "hub"  # a step in the review of one's contribution to the knowledge hub


class Mode(enum.StrEnum):
    IMMEDIATELY = "immediately"
    WEEKLY = "weekly"
    NEVER = "never"


class Notification(db.Model):
    """One thing a person was told. `key` names what it is about (`reply:42`) so that telling
    them twice (a repeated task, a double click) stores and sends it once. `emailed_at` and
    `digested_at` say whether and how it was mailed; `read_at` whether it was seen in the site."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = enum_column(Kind)
    key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(1000))  # absolute, from BASE_URL
    # The language of subject and text when they are course text (an announcement is the course's
    # title and the trainer's words); None when they are the person's interface language.
    language: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    digested_at: Mapped[datetime | None]


class NotificationPreference(db.Model):
    """How a person wants one kind of notification mailed; no row means immediately."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[Kind] = enum_column(Kind, primary_key=True)
    mode: Mapped[Mode] = enum_column(Mode, default=Mode.IMMEDIATELY)
