"""Scoring quizzes on the server and recording attempts.

The browser never receives which options are correct before it submits. Each submission
carries the attempt number it was shown; the (quiz, learner, number) unique constraint means a
double click or a second tab cannot record a second attempt or a different score.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.errors import DomainError
from lms.extensions import db
from lms.quizzes.kinds import KINDS, AnswerError
from lms.quizzes.models import Quiz, QuizAttempt

FIELD_PREFIX = "q-"


class SubmissionError(DomainError):
    """The submission cannot be scored; no attempt is used (a 400 page says why)."""


class AlreadySubmitted(DomainError):
    """This attempt number was already recorded (double click or another tab)."""

    status = 409

    def __init__(self, attempt: QuizAttempt):
        super().__init__()
        self.attempt = attempt


@dataclass(frozen=True)
class QuizStanding:
    attempts_used: int
    best_score: float | None
    passed: bool

    @classmethod
    def of(cls, attempts: list[QuizAttempt]) -> QuizStanding:
        """The standing from the learner's attempts, for a page that lists them anyway."""
        scores = [attempt.score for attempt in attempts]
        return cls(len(attempts), max(scores) if scores else None, any(a.passed for a in attempts))


def standing(quiz: Quiz, user_id: int) -> QuizStanding:
    used, best, passed = db.session.execute(
        select(
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.passed.cast(db.Integer)),
        ).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user_id)
    ).one()
    return QuizStanding(used, best, bool(passed))


def attempts(quiz: Quiz, user_id: int) -> list[QuizAttempt]:
    return list(
        db.session.execute(
            select(QuizAttempt)
            .where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user_id)
            .order_by(QuizAttempt.number)
        ).scalars()
    )


def read_answers(quiz: Quiz, form: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """Check a submission against the quiz: every question answered, nothing unknown.
    Raises SubmissionError with a message naming the problem."""
    questions = {question.slug: question for question in quiz.questions}
    unknown = [key[len(FIELD_PREFIX) :] for key in form if key.startswith(FIELD_PREFIX)]
    unknown = [slug for slug in unknown if slug not in questions]
    if unknown:
        raise SubmissionError(
            _("The submission contains unknown questions: %(names)s.", names=", ".join(unknown))
        )
    answers = {}
    missing = []
    for position, question in enumerate(quiz.questions, start=1):
        values = [value for value in form.get(FIELD_PREFIX + question.slug, []) if value]
        if not values:
            missing.append(str(position))
            continue
        known = {option.slug for option in question.options}
        strange = [value for value in values if value not in known]
        if strange:
            raise SubmissionError(
                _("Question %(number)s has no option %(option)s.", number=position, option=strange[0])
            )
        try:
            answers[question.slug] = KINDS[question.kind].read(question, values)
        except AnswerError:
            raise SubmissionError(
                _("Question %(number)s: choose exactly one option.", number=position)
            ) from None
    if missing:
        raise SubmissionError(
            _("Please answer every question (not answered: %(numbers)s).", numbers=", ".join(missing))
        )
    return answers


def score(quiz: Quiz, answers: dict[str, frozenset[str]]) -> tuple[float, dict]:
    """Percentage of questions answered correctly, and the per-question record kept with the attempt."""
    record = {}
    right = 0
    for question in quiz.questions:
        chosen = answers[question.slug]
        correct = KINDS[question.kind].is_correct(question, chosen)
        right += correct
        record[question.slug] = {"chosen": sorted(chosen), "correct": correct}
    total = len(quiz.questions)
    return (round(100 * right / total, 2) if total else 0.0), record


def submit(quiz: Quiz, user: User, number: int, form: dict[str, list[str]]) -> QuizAttempt:
    """Score and record attempt `number`. Raises SubmissionError (nothing recorded) or
    AlreadySubmitted (the attempt with that number exists; nothing new recorded)."""
    current = standing(quiz, user.id)
    existing = _attempt(quiz.id, user.id, number)
    if existing is not None:
        raise AlreadySubmitted(existing)
    if number != current.attempts_used + 1:
        raise SubmissionError(_("This quiz page is out of date. Please open the quiz again."))
    left = quiz.attempts_left(current.attempts_used)
    if left == 0:
        raise SubmissionError(
            _("You have used all %(count)s attempts at this quiz.", count=quiz.max_attempts)
        )
    answers = read_answers(quiz, form)
    percent, record = score(quiz, answers)
    attempt = QuizAttempt(
        quiz_id=quiz.id, user_id=user.id, course_id=quiz.course_id, number=number, score=percent,
        passed=percent >= quiz.effective_pass_mark(), answers=record,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        raise AlreadySubmitted(_attempt(quiz.id, user.id, number)) from None
    return attempt


def _attempt(quiz_id: int, user_id: int, number: int) -> QuizAttempt | None:
    return db.session.execute(
        select(QuizAttempt).where(
            QuizAttempt.quiz_id == quiz_id, QuizAttempt.user_id == user_id, QuizAttempt.number == number
        )
    ).scalar_one_or_none()
