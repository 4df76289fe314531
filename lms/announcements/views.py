"""Trainers post announcements; learners read them on the course page and their own page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.announcements import bp, services
from lms.announcements.forms import AnnouncementForm
from lms.courses.access import teaches
from lms.courses.queries import course_by_slug
from lms.enrolment.access import course_for_study, offer_enrolment
from lms.policy import login_required, trainer_required
from lms.web import refusals_on


@bp.route("/teaching/<slug>/announcements", methods=["GET", "POST"])
@trainer_required
def manage(slug: str):
    """The course's trainers and administrators only (another trainer: 403)."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    if not teaches(current_user, course):
        abort(403)
    form = AnnouncementForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.post(course, current_user, form.title.data, form.body.data)
            flash(_("Your announcement is posted; the course's learners are being told."), "success")
            return redirect(url_for("announcements.manage", slug=slug))
    return render_template(
        "announcements/manage.html", course=course, form=form, announcements=services.of_course(course.id)
    ), 400 if form.errors else 200


@bp.get("/courses/<slug>/announcements")
@login_required
def course_announcements(slug: str):
    """Enrolled learners and those who teach the course."""
    course, _enrolment, allowed = course_for_study(slug)
    if not allowed:
        return offer_enrolment(course)
    return render_template(
        "announcements/list.html", course=course, announcements=services.of_course(course.id)
    )


def course_page_announcements(course) -> dict:
    """The latest announcements for the course page (lms.courses.add_course_page_context):
    for those who teach it, and for its active learners (one statement, which checks the
    enrolment itself); nothing for anyone else."""
    if not current_user.is_authenticated:
        return {}
    if teaches(current_user, course):
        return {
            "announcements": services.of_course(course.id, services.SHOWN_ON_COURSE_PAGE),
            "announcing": True,
        }
    shown = services.for_learner(course, current_user.id, services.SHOWN_ON_COURSE_PAGE)
    return {"announcements": shown, "announcing": False}
