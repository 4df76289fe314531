"""Lessons, marking them complete, resuming, and the learner's dashboard."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.courses.models import Course
from lms.enrolment.access import course_for_study, offer_enrolment
from lms.enrolment.forms import EnrolForm
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.enrolment.services import enrolment_for, record_activity
from lms.extensions import db
from lms.forms import ActionForm
from lms.learning import bp, services
from lms.learning.progress import course_progress, progress_by_course
from lms.policy import login_required


def _lesson_in(course, lesson_slug: str):
    lesson = next((lesson for lesson in course.lessons if lesson.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    course, enrolment, allowed = course_for_study(slug)
    lesson = _lesson_in(course, lesson_slug)
    if not allowed:
        return offer_enrolment(course)
    progress = course_progress(course, current_user.id)
    lessons = course.lessons
    index = lessons.index(lesson)
    page = render_template(
        "learning/lesson.html",
        course=course,
        lesson=lesson,
        progress=progress,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        module_quiz=lesson.module.quiz
        if index + 1 == len(lessons) or lessons[index + 1].module_id != lesson.module_id
        else None,
        form=ActionForm(),
        done=lesson.id in progress.completed_lessons,
    )
    if enrolment is not None and enrolment.active:
        record_activity(enrolment, lesson.id)
    return page


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    course, enrolment, allowed = course_for_study(slug)
    lesson = _lesson_in(course, lesson_slug)
    if not allowed:
        return offer_enrolment(course)
    if not ActionForm().validate_on_submit():
        abort(400)
    done = services.mark_lesson_complete(current_user.id, lesson, enrolment, course)
    if done.completed_course:
        flash(_("Congratulations! You have completed this course."), "success")
        return redirect(url_for("courses.course", slug=slug))
    progress = done.progress
    if lesson.module.quiz is not None and lesson.module.quiz.id not in progress.passed_quizzes:
        last_of_module = lesson.module.lessons[-1] == lesson
        if last_of_module:
            return redirect(url_for("quizzes.quiz", slug=slug, module_slug=lesson.module.slug))
    upcoming = progress.next_lesson(after=lesson)
    if upcoming is not None:
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=upcoming.slug))
    quiz = progress.next_quiz()
    if quiz is not None:
        return redirect(url_for("quizzes.quiz", slug=slug, module_slug=quiz.module.slug))
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/courses/<slug>/continue")
@login_required
def resume(slug: str):
    """Continue where you left off: the last lesson opened, else the first one not done."""
    course, enrolment, allowed = course_for_study(slug)
    if not allowed:
        return offer_enrolment(course)
    lessons = course.lessons
    if enrolment is not None and enrolment.last_lesson_id is not None:
        target = next((lesson for lesson in lessons if lesson.id == enrolment.last_lesson_id), None)
    else:
        target = course_progress(course, current_user.id).next_lesson() or (lessons[0] if lessons else None)
    if target is None:
        return redirect(url_for("courses.course", slug=slug))
    return redirect(url_for("learning.lesson", slug=slug, lesson_slug=target.slug))


@bp.get("/learning")
@login_required
def dashboard():
    enrolments = list(
        db.session.execute(
            select(Enrolment)
            .join(Course, Course.id == Enrolment.course_id)
            .where(
                Enrolment.user_id == current_user.id,
                Enrolment.status == EnrolmentStatus.ACTIVE,
                Course.published.is_(True),  # a withdrawn course waits, out of sight, until it returns
            )
            .options(joinedload(Enrolment.course))
            .order_by(Enrolment.last_activity_at.desc().nulls_last(), Enrolment.enrolled_at.desc())
        ).scalars()
    )
    tallies = progress_by_course(current_user.id, [e.course for e in enrolments])
    return render_template("learning/dashboard.html", enrolments=enrolments, tallies=tallies)


def course_page_context(course: Course) -> dict:
    """The visitor's part of the course page (`lms.courses.views`): their enrolment, their
    progress when enrolled, and the enrol form."""
    enrolment = enrolment_for(current_user.id, course.id) if current_user.is_authenticated else None
    progress = course_progress(course, current_user.id) if enrolment is not None else None
    return {"enrolment": enrolment, "progress": progress, "enrol_form": EnrolForm()}
