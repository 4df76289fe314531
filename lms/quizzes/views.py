"""Taking a quiz and reading the feedback."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms import unit_of_work
from lms.courses.outline import outline_of
from lms.enrolment.access import course_for_study, offer_enrolment
from lms.errors import abort_with
from lms.extensions import db
from lms.forms import ActionForm
from lms.inputs import stored_integer
from lms.policy import login_required
from lms.quizzes import bp, services
from lms.quizzes.events import attempt_recorded
from lms.quizzes.kinds import KINDS
from lms.quizzes.models import Question, Quiz


def _quiz(course, module_slug: str) -> Quiz:
    """The module's quiz with its questions and options, in one statement (a quiz is a few
    questions of a few options each)."""
    module = outline_of(course).module(module_slug)
    if module is None or module.quiz is None:
        abort(404)
    return (
        db.session.execute(
            select(Quiz)
            .where(Quiz.id == module.quiz.id)
            .options(joinedload(Quiz.module), joinedload(Quiz.questions).joinedload(Question.options))
        )
        .unique()
        .scalar_one()
    )


@bp.get("/courses/<slug>/quizzes/<module_slug>")
@login_required
def quiz(slug: str, module_slug: str):
    course, enrolment, allowed = course_for_study(slug)
    quiz = _quiz(course, module_slug)
    if not allowed:
        return offer_enrolment(course)
    attempts = services.attempts(quiz, current_user.id)
    standing = services.QuizStanding.of(attempts)
    return render_template(
        "quizzes/quiz.html",
        course=course,
        quiz=quiz,
        standing=standing,
        attempts_left=quiz.attempts_left(standing.attempts_used),
        attempts=attempts,
        kinds=KINDS,
        form=ActionForm(),
        prefix=services.FIELD_PREFIX,
    )


@bp.post("/courses/<slug>/quizzes/<module_slug>")
@login_required
def submit(slug: str, module_slug: str):
    course, enrolment, allowed = course_for_study(slug)
    quiz = _quiz(course, module_slug)
    if not allowed:
        return offer_enrolment(course)
    if not ActionForm().validate_on_submit():
        abort(400)
    number = stored_integer(request.form.get("attempt"))
    if number is None:
        abort_with(400, _("The submission has no attempt number. Please open the quiz again."))
    answers = {key: request.form.getlist(key) for key in request.form if key not in {"csrf_token", "attempt"}}
    try:
        attempt = services.submit(quiz, current_user, number, answers)  # SubmissionError: a 400 page
    except services.AlreadySubmitted as duplicate:
        unit_of_work.discard()
        flash(_("This attempt had already been submitted; here is its result."), "info")
        return redirect(
            url_for("quizzes.attempt", slug=slug, module_slug=module_slug, number=duplicate.attempt.number)
        )
    completed = any(
        done for _receiver, done in attempt_recorded.send(attempt, enrolment=enrolment, course=course)
    )
    if completed:
        flash(_("Congratulations! You have completed this course."), "success")
    return redirect(url_for("quizzes.attempt", slug=slug, module_slug=module_slug, number=attempt.number))


@bp.get("/courses/<slug>/quizzes/<module_slug>/attempts/<int:number>")
@login_required
def attempt(slug: str, module_slug: str, number: int):
    course, enrolment, allowed = course_for_study(slug)
    quiz = _quiz(course, module_slug)
    if not allowed:
        return offer_enrolment(course)
    attempts = services.attempts(quiz, current_user.id)
    shown = next((a for a in attempts if a.number == number), None)
    if shown is None:
        abort(404)
    standing = services.QuizStanding.of(attempts)
    left = quiz.attempts_left(standing.attempts_used)
    return render_template(
        "quizzes/attempt.html",
        course=course,
        quiz=quiz,
        attempt=shown,
        standing=standing,
        attempts_left=left,
        course_completed=enrolment is not None and enrolment.completed_at is not None,
        # Correct answers are revealed once they can no longer help a later attempt.
        reveal=standing.passed or left == 0,
    )
