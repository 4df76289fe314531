"""Subscribers, pending subscription requests, issues and who each issue was mailed to.

A `Subscriber` exists only once its address is confirmed; until then the address and the
choices wait in a `SubscriptionRequest`, which the confirmation link names and which is deleted
when used (so a link works once). Choices are rows (`SubscriberChoice`), so the recipients of an
issue are selected in SQL. A `Delivery` row per (issue, subscriber), its primary key, is written
in the same unit of work that queues the mail: a retried batch finds it and mails no one twice.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.columns import enum_column, utcnow
from lms.extensions import db


class Subscriber(db.Model):
    """A confirmed address (personal data: exported and erased with the account of the same
    address, lms/privacy; `flask newsletters erase ADDRESS` for anyone)."""

    __tablename__ = "newsletter_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    secret: Mapped[str] = mapped_column(String(32))  # in the unsubscribe link's signed token
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    choices: Mapped[list[SubscriberChoice]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SubscriberChoice.id"
    )

    def values(self, kind: str) -> list[str]:
        return [choice.value for choice in self.choices if choice.kind == kind]


class SubscriberChoice(db.Model):
    """One language or theme a subscriber chose."""

    __tablename__ = "newsletter_subscriber_choice"
    __table_args__ = (
        CheckConstraint("kind IN ('language', 'theme')", name="kind"),
        UniqueConstraint("subscriber_id", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("newsletter_subscriber.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(60))


class SubscriptionRequest(db.Model):
    """A subscription (or a change of choices) waiting for its address to be confirmed."""

    __tablename__ = "newsletter_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    languages: Mapped[str] = mapped_column(String(200))  # space-separated codes
    themes: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IssueStatus(enum.StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"


class Issue(db.Model):
    """A newsletter issue, in one language; public (archived) once sending has begun."""

    __tablename__ = "newsletter_issue"
    __table_args__ = (CheckConstraint("status = 'draft' OR sent_at IS NOT NULL", name="sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    introduction: Mapped[str] = mapped_column(Text, default="")  # Markdown
    introduction_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised
    status: Mapped[IssueStatus] = enum_column(IssueStatus, default=IssueStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    recipients: Mapped[int] = mapped_column(default=0)  # mails queued so far

    entries: Mapped[list[IssueItem]] = relationship(
        cascade="all, delete-orphan", order_by="IssueItem.position", passive_deletes=True
    )

    @property
    def is_draft(self) -> bool:
        return self.status == IssueStatus.DRAFT


class IssueItem(db.Model):
    __tablename__ = "newsletter_issue_item"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_issue.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    item = relationship("Item", lazy="joined")


class Delivery(db.Model):
    """Issue `issue_id` was queued for subscriber `subscriber_id` (no address kept here)."""

    __tablename__ = "newsletter_delivery"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_issue.id", ondelete="CASCADE"), primary_key=True
    )
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscriber.id", ondelete="CASCADE"), primary_key=True
    )
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
