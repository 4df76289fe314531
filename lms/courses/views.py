"""The catalogue and the course page."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request
from flask_login import current_user

from lms.courses import bp, queries
from lms.courses.access import can_see_course, teaches
from lms.courses.models import Audience
from lms.database import paginate
from lms.enrolment.forms import EnrolForm
from lms.enrolment.services import enrolment_for
from lms.forms import ActionForm
from lms.learning.progress import course_progress
from lms.policy import public


@bp.get("/courses")
@public
def catalogue():
    text = request.args.get("q", "")[:100]
    audience = request.args.get("audience", "")
    language = request.args.get("language", "")
    page = paginate(
        queries.catalogue(text, audience, language),
        per_page=current_app.config["COURSES_PER_PAGE"],
    )
    return render_template(
        "courses/catalogue.html",
        page=page,
        text=text,
        audience=audience,
        language=language,
        audiences=list(Audience),
        languages=queries.catalogue_languages(),
    )


@bp.get("/courses/<slug>")
@public
def course(slug: str):
    course = queries.course_by_slug(slug, with_structure=True)
    if course is None or not can_see_course(current_user, course):
        abort(404)
    enrolment = enrolment_for(current_user.id, course.id) if current_user.is_authenticated else None
    progress = course_progress(course, current_user.id) if enrolment is not None else None
    return render_template(
        "courses/course.html",
        course=course,
        enrolment=enrolment,
        progress=progress,
        enrol_form=EnrolForm(),
        action_form=ActionForm(),
        enrolment_open=course.enrolment_open(date.today()),
        teaches=teaches(current_user, course),
    )
