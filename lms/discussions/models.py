"""A course's discussions: threads (in a module's topic or the general one), their posts, and
reports of posts. The rules of moderation live on the models; services apply them.

A thread's opening text is its first post (`opening`), so hiding, holding and reporting work the
same on it as on replies. Users are never deleted (erasure blanks them), so author keys keep
their rows; a module that disappears from a re-imported course moves its threads to the
general topic (SET NULL) rather than deleting what people wrote.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import enum_column, utcnow
from lms.extensions import db


class PostStatus(enum.StrEnum):
    PUBLISHED = "published"
    HELD = "held"  # a new account's first post, waiting for a trainer's approval
    HIDDEN = "hidden"  # hidden by a moderator, with a reason; can be restored


class Thread(db.Model):
    __tablename__ = "discussion_thread"
    __table_args__ = (Index("ix_discussion_thread_listing", "course_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    # None: the course's general topic.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    answered: Mapped[bool] = mapped_column(default=False)
    # The opening post is held: only its author and moderators see the thread.
    held: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Thread {self.id}>"


class Post(db.Model):
    __tablename__ = "discussion_post"
    __table_args__ = (
        CheckConstraint("NOT (opening AND is_answer)", name="opening_not_answer"),
        CheckConstraint("status <> 'hidden' OR moderated_at IS NOT NULL", name="hidden_when"),
        Index("ix_discussion_post_thread_id_id", "thread_id", "id"),
        Index("ix_discussion_post_author_id_created_at", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opening: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    # Sanitised HTML, rendered once when written; ids made unique on the page (see services).
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Plain text shown instead of body_html on the thread page when the HTML is long.
    excerpt: Mapped[str | None] = mapped_column(String(400))
    status: Mapped[PostStatus] = enum_column(PostStatus, default=PostStatus.PUBLISHED)
    is_answer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last moderation (hide, restore, approve): who, when, and why it was hidden.
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    moderated_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])

    def __repr__(self) -> str:
        return f"<Post {self.id}>"

    @property
    def published(self) -> bool:
        return self.status is PostStatus.PUBLISHED

    @property
    def hidden(self) -> bool:
        return self.status is PostStatus.HIDDEN

    @property
    def held(self) -> bool:
        return self.status is PostStatus.HELD

    def hide(self, moderator_id: int, reason: str, now: datetime) -> None:
        """Hide a published or held post; the reason is kept for moderators and the author."""
        self.status = PostStatus.HIDDEN
        self.is_answer = False
        self.hidden_reason = reason
        self.moderated_by_id, self.moderated_at = moderator_id, now

    def restore(self, moderator_id: int, now: datetime) -> None:
        """Show a hidden post again (as published: a moderator has now seen it)."""
        if not self.hidden:
            raise ValueError("only a hidden post can be restored")
        self.status = PostStatus.PUBLISHED
        self.hidden_reason = ""
        self.moderated_by_id, self.moderated_at = moderator_id, now

    def approve(self, moderator_id: int, now: datetime) -> None:
        if not self.held:
            raise ValueError("only a held post can be approved")
        self.status = PostStatus.PUBLISHED
        self.moderated_by_id, self.moderated_at = moderator_id, now


class PostReport(db.Model):
    """Someone asked moderators to look at a post. One open report per person and post; it is
    resolved when a moderator hides the post or dismisses the report."""

    __tablename__ = "discussion_report"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_post.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
