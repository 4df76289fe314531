"""Enrol in and leave courses; administrators enrol cohorts from CSV. The request's unit of work
commits (lms/unit_of_work.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.countries import country_choices
from lms.courses.access import can_see_course
from lms.courses.queries import course_by_slug
from lms.csvexport import csv_response
from lms.enrolment import bp, cohort, cohort_values, services
from lms.enrolment import jobs as cohort_jobs
from lms.enrolment.forms import CohortUploadForm, EnrolForm
from lms.forms import ActionForm
from lms.jobs import services as jobs
from lms.policy import admin_required, login_required
from lms.web import refused


def _visible_course(slug: str):
    course = course_by_slug(slug)
    if course is None or not can_see_course(current_user, course):
        abort(404)
    return course


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = _visible_course(slug)
    form = EnrolForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        before = services.enrolment_for(current_user.id, course.id)
        services.enrol(current_user, course, key=form.key.data)
    except services.EnrolmentError as error:
        return refused(error, url_for("courses.course", slug=slug))
    if before is None:  # only a first enrolment is welcomed (a return keeps the earlier welcome)
        services.welcome(current_user, course)
    flash(_("You are enrolled. Welcome to the course!"), "success")
    return redirect(url_for("learning.resume", slug=slug))


@bp.post("/courses/<slug>/leave")
@login_required
def leave(slug: str):
    course = _visible_course(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    enrolment = services.enrolment_for(current_user.id, course.id)
    if enrolment is None or not enrolment.active:
        abort(404)
    services.leave(enrolment)
    flash(_("You have left the course. Your progress is kept if you come back."), "info")
    return redirect(url_for("courses.course", slug=slug))


@bp.route("/admin/courses/<slug>/cohort", methods=["GET", "POST"])
@admin_required
def upload_cohort(slug: str):
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    form = CohortUploadForm()
    if form.validate_on_submit():
        rows, problems = cohort.read_cohort_csv(form.file.data.read())
        if problems:
            return render_template(
                "enrolment/cohort.html", course=course, form=form, problems=problems, **_reference()
            ), 400
        # Accounts, enrolments and invitations: a job, all or nothing (lms/enrolment/jobs.py).
        job = jobs.start(
            cohort_jobs.IMPORT.name, current_user, cohort_jobs.params(course, rows), total=len(rows)
        )
        return redirect(url_for("jobs.show", job_id=job.id))
    return render_template(
        "enrolment/cohort.html", course=course, form=form, problems=[], **_reference()
    ), 400 if form.errors else 200


def _reference() -> dict:
    """The accepted values of each column, in the reader's language, for the upload page."""
    return {"accepted": cohort_values.accepted_values(), "countries": country_choices()}


@bp.get("/admin/cohort-template.csv")
@admin_required
def cohort_template():
    """A file to fill in: the header and one example row (refused if uploaded unchanged)."""
    return csv_response("cohort-template.csv", cohort.COLUMNS, [cohort.EXAMPLE_ROW])
