"""Quizzes, their questions and options, and learners' attempts.

An attempt's number is unique per learner and quiz: two submissions racing for the same
attempt (a double click, two tabs) cannot both be recorded, whatever the database.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.columns import enum_column, utcnow
from lms.courses.models import Module
from lms.courses.outline import OUTLINE_MODELS
from lms.extensions import db


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true-false"


class Quiz(db.Model):
    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int | None]  # None: the course's pass mark
    max_attempts: Mapped[int] = mapped_column(default=3)  # 0: unlimited

    module: Mapped[Module] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )

    def effective_pass_mark(self) -> int:
        return self.pass_mark if self.pass_mark is not None else self.module.course.pass_mark

    def attempts_left(self, used: int) -> int | None:
        """How many attempts remain after `used`; None when unlimited."""
        if not self.max_attempts:
            return None
        return max(self.max_attempts - used, 0)


OUTLINE_MODELS.add(Quiz)  # its title is in the outline: a change makes a new outline version


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("quiz_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = enum_column(QuestionKind)
    prompt: Mapped[str] = mapped_column(Text)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )


class Option(db.Model):
    __tablename__ = "option"
    __table_args__ = (UniqueConstraint("question_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="options")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        # Covers "best score per learner and quiz" for cohorts and participation data.
        Index("ix_quiz_attempt_best", "user_id", "course_id", "quiz_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool]
    # Per question slug: the option slugs chosen and whether the answer was right.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    quiz: Mapped[Quiz] = relationship()
