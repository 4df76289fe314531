"""Who may study a course, and loading a course for study (shared by lessons and quizzes)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from lms.courses.access import can_see_course, teaches
from lms.courses.queries import course_by_slug
from lms.enrolment.forms import EnrolForm
from lms.enrolment.services import enrolment_for


def can_study(user, course, enrolment) -> bool:
    """Lessons and quizzes open to active enrolled learners and to those who teach the course."""
    if not user.is_authenticated:
        return False
    if enrolment is not None and enrolment.active and course.published:
        return True
    return teaches(user, course)


def visible_course(slug: str):
    """The course (without its structure) this visitor may see, or abort 404."""
    course = course_by_slug(slug)
    if course is None or not can_see_course(current_user, course):
        abort(404)
    return course


def course_for_study(slug: str):
    """(course, the learner's enrolment or None, may they study it). The structure comes from
    `lms.courses.outline.outline_of(course)`. Aborts 404 for unknown or hidden courses."""
    course = visible_course(slug)
    enrolment = enrolment_for(current_user.id, course.id)
    return course, enrolment, can_study(current_user, course, enrolment)


def offer_enrolment(course):
    """What someone who may not study the course sees instead: an invitation to enrol (403)."""
    return render_template("enrolment/enrol_first.html", course=course, enrol_form=EnrolForm()), 403
