"""A trainer's working copy of a course, kept apart from what learners read.

Learners read the published tables (Course, Module, Lesson, Quiz, Question, Option). Trainers
edit the draft tables here; publishing turns the draft into a CourseSpec and applies it with the
same importer as course files, so progress on slugs that still exist is kept.

Lessons carry a revision number for optimistic locking (saves compare-and-swap on it) and a
history of revisions. A module's quiz is a small JSON document: it is always edited as a whole
and published as a whole.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import enum_column, utcnow
from lms.courses.models import Audience, CompletionRule, Course
from lms.extensions import db


class DraftCourse(db.Model):
    """The draft of a course created in the browser (or imported from a ZIP), one per course."""

    __tablename__ = "draft_course"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[Audience] = enum_column(Audience)
    language: Mapped[str] = mapped_column(String(8), default="en")
    hours: Mapped[float] = mapped_column(Float, default=1.0)
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    completion_rule: Mapped[CompletionRule] = enum_column(
        CompletionRule, default=CompletionRule.LESSONS_AND_QUIZZES
    )
    pass_mark: Mapped[int] = mapped_column(default=70)
    enrolment_key: Mapped[str | None] = mapped_column(String(100))
    enrol_from: Mapped[date | None]
    enrol_until: Mapped[date | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    image: Mapped[str | None] = mapped_column(String(80))  # a media file, as Course.image
    image_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # True while the draft holds changes learners do not see yet.
    unpublished_changes: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    owner: Mapped[User | None] = relationship()
    modules: Mapped[list[DraftModule]] = relationship(
        back_populates="draft", order_by="DraftModule.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[DraftImage]] = relationship(
        order_by="DraftImage.id", cascade="all, delete-orphan", back_populates="draft"
    )

    @property
    def slug(self) -> str:
        return self.course.slug

    @property
    def image_url(self) -> str | None:
        return f"/media/{self.image}" if self.image else None

    @property
    def lessons(self) -> list[DraftLesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def module(self, slug: str) -> DraftModule | None:
        return next((module for module in self.modules if module.slug == slug), None)

    def lesson(self, slug: str) -> DraftLesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


class DraftModule(db.Model):
    __tablename__ = "draft_module"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.course_id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None]
    due_at: Mapped[datetime | None]  # naive UTC
    # {"title", "pass_mark" (None: the course's), "max_attempts", "questions": [{"slug", "kind",
    #  "prompt", "options": [{"slug", "text", "correct", "feedback"}]}]}, or None: no quiz.
    quiz: Mapped[dict | None] = mapped_column(JSON)

    draft: Mapped[DraftCourse] = relationship(back_populates="modules")
    lessons: Mapped[list[DraftLesson]] = relationship(
        back_populates="module", order_by="DraftLesson.position", cascade="all, delete-orphan"
    )

    def question(self, slug: str) -> dict | None:
        questions = (self.quiz or {}).get("questions", [])
        return next((question for question in questions if question["slug"] == slug), None)


class DraftLesson(db.Model):
    __tablename__ = "draft_lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.course_id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(ForeignKey("draft_module.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=10)
    body: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every save with a compare-and-swap: a save based on an older number is refused.
    revision: Mapped[int] = mapped_column(default=1)

    module: Mapped[DraftModule] = relationship(back_populates="lessons")
    revisions: Mapped[list[LessonRevision]] = relationship(
        back_populates="lesson", order_by="LessonRevision.number.desc()", cascade="all, delete-orphan"
    )


class LessonRevision(db.Model):
    """What a lesson looked like after each save: who saved it, when, and its full text."""

    __tablename__ = "lesson_revision"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("draft_lesson.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[DraftLesson] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class DraftImage(db.Model):
    """An image uploaded for (or imported with) a course, with the file name to export it under."""

    __tablename__ = "draft_image"
    __table_args__ = (UniqueConstraint("course_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.course_id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(80))  # <sha256>.<ext>, as served under /media/
    name: Mapped[str] = mapped_column(String(120))  # a safe file name for exports
    alt: Mapped[str] = mapped_column(String(300), default="")

    draft: Mapped[DraftCourse] = relationship(back_populates="images")

    @property
    def url(self) -> str:
        return f"/media/{self.filename}"


class DraftRemoval(db.Model):
    """A module, lesson or question removed from a draft, kept whole so it can be restored.

    `snapshot` holds what was removed as plain JSON (a lesson with its revisions, a module with
    its lessons and quiz, a question) and where it stood; restoring puts it back as a new
    revision and marks this entry restored. Revision notes are not kept (they are personal
    notes, erased with their author's account, which a copy here would outlive).
    """

    __tablename__ = "draft_removal"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("draft_course.course_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # "module", "lesson" or "question"
    title: Mapped[str] = mapped_column(String(200))
    snapshot: Mapped[dict] = mapped_column(JSON)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
    restored_at: Mapped[datetime | None]

    removed_by: Mapped[User | None] = relationship()
