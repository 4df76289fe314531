"""An announcement to a course's learners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.columns import utcnow
from lms.extensions import db


class Announcement(db.Model):
    """`body` is the Markdown the author wrote; `body_html` its rendering through the one
    sanitiser (lms.content.markup), which is all that pages show. The author is kept as a
    number (SET NULL when their data is erased: the announcement stays with the course)."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_course_created", "course_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
