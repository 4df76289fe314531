"""A course is an ordered list of modules; a module is an ordered list of lessons and at most
one quiz. Slugs identify modules and lessons across versions, so progress survives re-imports."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.columns import enum_column, utcnow
from lms.extensions import db


class Audience(enum.StrEnum):
    FACULTY = "faculty"
    LEADERS = "leaders-administrators"
    POLICY_MAKERS = "policy-makers"


class CompletionRule(enum.StrEnum):
    """Which items a learner must finish for the course to count as completed."""

    ALL_LESSONS = "all-lessons"
    ALL_QUIZZES = "all-quizzes"
    LESSONS_AND_QUIZZES = "lessons-and-quizzes"

    @property
    def counts_lessons(self) -> bool:
        return self is not CompletionRule.ALL_QUIZZES

    @property
    def counts_quizzes(self) -> bool:
        return self is not CompletionRule.ALL_LESSONS


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[Audience] = enum_column(Audience, index=True)
    language: Mapped[str] = mapped_column(String(8), default="en", index=True)
    hours: Mapped[float] = mapped_column(Float, default=1.0)
    version: Mapped[str] = mapped_column(String(40), default="1.0")
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    completion_rule: Mapped[CompletionRule] = enum_column(
        CompletionRule, default=CompletionRule.LESSONS_AND_QUIZZES
    )
    pass_mark: Mapped[int] = mapped_column(default=70)
    enrolment_key: Mapped[str | None] = mapped_column(String(100))
    enrol_from: Mapped[date | None]
    enrol_until: Mapped[date | None]
    # When the course runs, if it has a timetable: module due dates fall inside it.
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # The course's picture: a stored media file (<sha256>.<ext>, served under /media/) and its
    # text for people who cannot see it.
    image: Mapped[str | None] = mapped_column(String(80))
    image_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    published: Mapped[bool] = mapped_column(default=True, index=True)
    source_path: Mapped[str | None] = mapped_column(String(500))  # set when imported from files
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"

    @property
    def image_url(self) -> str | None:
        return f"/media/{self.image}" if self.image else None

    def enrolment_open(self, today: date) -> bool:
        return (self.enrol_from is None or today >= self.enrol_from) and (
            self.enrol_until is None or today <= self.enrol_until
        )

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def quizzes(self) -> list:
        return [module.quiz for module in self.modules if module.quiz is not None]


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("due_on IS NULL OR due_at IS NULL", name="one_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # A deadline is a whole day (due_on) or a moment (due_at, naive UTC), never both.
    due_on: Mapped[date | None]
    due_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quiz: Mapped[Quiz | None] = relationship(  # noqa: F821
        back_populates="module", cascade="all, delete-orphan", uselist=False
    )


class Lesson(db.Model):
    __tablename__ = "lesson"
    # Slugs are unique in the course, so a lesson can move between modules and keep progress.
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=10)
    body: Mapped[str] = mapped_column(Text, default="")
    # The sanitised HTML, rendered once per revision instead of on every page view.
    body_html: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)

    module: Mapped[Module] = relationship(back_populates="lessons")

    def __repr__(self) -> str:
        return f"<Lesson {self.slug}>"


class CourseTrainer(db.Model):
    """Which trainers teach which course. A course-level fact (it decides who sees a draft
    course), so it lives here, below enrolment and teaching, which both read it."""

    __tablename__ = "course_trainer"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
