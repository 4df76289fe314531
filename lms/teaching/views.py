"""Trainers follow their cohorts; administrators decide who teaches what."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.services import find_by_email
from lms.courses.access import teaches
from lms.courses.queries import course_by_slug, taught_courses, trainers_of
from lms.csvexport import csv_response
from lms.forms import ActionForm
from lms.policy import admin_required, trainer_required
from lms.teaching import bp, services
from lms.teaching.cohort import SORT_KEYS, cohort, has_deadlines
from lms.teaching.cohort import cohort_page as cohort_page_of
from lms.teaching.forms import AddTrainerForm
from lms.web import refusals_on


def _taught_course(slug: str):
    course = course_by_slug(slug, with_structure=True)
    if course is None:
        abort(404)
    if not teaches(current_user, course):
        abort(403)
    return course


@bp.get("/teaching")
@trainer_required
def courses():
    return render_template("teaching/courses.html", courses=taught_courses(current_user))


@bp.get("/teaching/<slug>/cohort")
@trainer_required
def cohort_page(slug: str):
    course = _taught_course(slug)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORT_KEYS else "name"
    descending = request.args.get("order") == "desc"
    only_behind = request.args.get("behind") == "1"
    number = request.args.get("page", 1, type=int)
    page = cohort_page_of(course, number, sort, descending, only_behind)
    return render_template(
        "teaching/cohort.html", course=course, page=page, members=page.members, sort=sort,
        descending=descending, deadlines=has_deadlines(course), only_behind=only_behind,
    )  # fmt: skip


@bp.get("/teaching/<slug>/cohort.csv")
@trainer_required
def cohort_csv(slug: str):
    course = _taught_course(slug)
    quizzes = course.quizzes
    header = [
        "name",
        "email",
        "status",
        "enrolled_at",
        "last_activity_at",
        "progress_percent",
        "completed_at",
        "late_modules",
    ]
    header += [f"best_score_{quiz.module.slug}" for quiz in quizzes]

    def rows():
        for member in cohort(course):
            enrolment = member.enrolment
            yield [
                member.user.full_name, member.user.email, enrolment.status.value,
                enrolment.enrolled_at.isoformat(timespec="seconds"),
                enrolment.last_activity_at.isoformat(timespec="seconds") if enrolment.last_activity_at else "",
                member.progress.percent,
                enrolment.completed_at.isoformat(timespec="seconds") if enrolment.completed_at else "",
                len(member.late),
            ] + [member.best_scores.get(quiz.id, "") for quiz in quizzes]  # fmt: skip

    return csv_response(f"cohort-{course.slug}.csv", header, rows())


@bp.get("/admin/courses")
@admin_required
def manage_courses():
    return render_template("teaching/manage_courses.html", courses=taught_courses(current_user))


@bp.route("/admin/courses/<slug>/trainers", methods=["GET", "POST"])
@admin_required
def trainers(slug: str):
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    form = AddTrainerForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.assign_trainer(course, find_by_email(form.email.data))
            flash(_("Trainer added."), "success")
            return redirect(url_for("teaching.trainers", slug=slug))
    return render_template(
        "teaching/trainers.html",
        course=course,
        form=form,
        trainers=trainers_of(course.id),
        remove_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.post("/admin/courses/<slug>/trainers/<int:user_id>/remove")
@admin_required
def remove_trainer(slug: str, user_id: int):
    course = course_by_slug(slug)
    if course is None or not ActionForm().validate_on_submit():
        abort(404 if course is None else 400)
    if not services.remove_trainer(course, user_id):
        abort(404)
    flash(_("Trainer removed."), "success")
    return redirect(url_for("teaching.trainers", slug=slug))
