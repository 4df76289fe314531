"""The catalogue and the course page."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request
from flask_login import current_user

from lms.courses import COURSE_PAGE_CONTEXT, bp, queries
from lms.courses.access import can_see_course, teaches
from lms.courses.models import Audience
from lms.courses.outline import outline_of
from lms.database import paginate
from lms.forms import ActionForm
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
    course = queries.course_by_slug(slug)
    if course is None or not can_see_course(current_user, course):
        abort(404)
    context = {}
    for provider in COURSE_PAGE_CONTEXT:
        context.update(provider(course, context))
    return render_template(
        "courses/course.html",
        course=course,
        outline=outline_of(course),
        action_form=ActionForm(),
        enrolment_open=course.enrolment_open(date.today()),
        teaches=teaches(current_user, course),
        **context,
    )
