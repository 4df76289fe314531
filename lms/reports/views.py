"""Participation data pages and downloads: thin views over participation.py and exports.py.

Admins see exact figures on screen, labelled "internal — do not publish"; trainers see their
own courses only, always protected (perturbed: lms.reports.disclosure). Every download that can
leave the platform is protected, except the administrators' exact CSV, which is a POST
(CSRF-protected) and audit-logged.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.csvexport import csv_response
from lms.forms import ActionForm
from lms.jobs import services as jobs
from lms.policy import admin_required, has_role, trainer_required
from lms.reports import bp, charts, disclosure, services
from lms.reports import jobs as report_jobs
from lms.reports.breakdowns import BREAKDOWNS, IN_BRIEF, PUBLISHED
from lms.reports.exports import CSV_HEADER, FORMATS, csv_stream
from lms.reports.measures import ALL, COUNTS, GENDER_LABELS, GENDERS, MEASURE_LABELS, RATES
from lms.reports.participation import (
    filter_form,
    participation_report,
    report_filter,
    requested_filter,
    threshold,
)
from lms.roles import Role

CHART_GROUPS = 25


def _filename(extension: str, kind: str = "participation") -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%d}.{extension}"


@bp.get("/reports/participation")
@trainer_required
def dashboard():
    form, scope = filter_form(request.args, current_user)
    is_admin = has_role(current_user, Role.ADMIN)
    if not form.validate():
        return render_template(
            "reports/dashboard.html", form=form, scope=scope, report=None, is_admin=is_admin
        ), 400
    by = form.by.data
    protected = not is_admin or bool(form.published.data)
    report = participation_report(report_filter(form, scope), (by,), protected=protected)
    return render_template(
        "reports/dashboard.html",
        form=form,
        scope=scope,
        report=report,
        by=by,
        is_admin=is_admin,
        filter_args=form.filter_values(),
        headline_chart=_headline_chart(report),
        breakdown_chart=_breakdown_chart(report, by, form.known_courses),
        exact_form=ActionForm(),
        method_note=disclosure.method_note(report.threshold),
        max_noise=disclosure.PTABLE.max_noise,
        **_names(),
    )


def _names() -> dict:
    """The names the dashboard uses, translated once: a table of 300 groups names each gender
    and measure thousands of times (7,000 lookups of the translation, 0.2 s, at 300 groups)."""
    return dict(
        GENDERS=GENDERS,
        ALL=ALL,
        COUNTS=COUNTS,
        RATES=RATES,
        GENDER_LABELS={gender: str(label) for gender, label in GENDER_LABELS.items()},
        MEASURE_LABELS={measure: str(label) for measure, label in MEASURE_LABELS.items()},
        BREAKDOWNS=BREAKDOWNS,
        MEASURES=(*COUNTS, *RATES, "average_best_score", "median_days_to_completion"),
    )


def _headline_chart(report):
    if report.empty:
        return None
    rows = [
        (str(MEASURE_LABELS[rate]), {g: report.rate(rate, report.overall, g) for g in GENDERS})
        for rate in RATES
    ]
    title = _("Completion and certification rates by gender")
    return charts.bar_chart("chart-headline", title, charts.describe(title, rows), rows, 1.0)


def _breakdown_chart(report, by: str, courses: dict):
    breakdown = report.breakdowns.get(by)
    if breakdown is None or not breakdown.groups:
        return None
    groups = breakdown.groups[:CHART_GROUPS]
    rows = [
        (g.label, {gender: report.rate("completion_rate", g, gender) for gender in GENDERS}) for g in groups
    ]
    title = _("Completion rate by %(breakdown)s and gender", breakdown=str(BREAKDOWNS[by].label).lower())
    # A course's title is in the course's language (the other groups are in the reader's).
    languages = [courses[g.code].language if by == "course" and g.code in courses else None for g in groups]
    return charts.bar_chart(
        "chart-breakdown", title, charts.describe(title, rows), rows, 1.0, languages=languages
    )


@bp.get("/reports/participation.csv")
@trainer_required
def download_csv():
    """Protected: fit for publication."""
    report_filter_, _form_ = requested_filter(request.args, current_user)
    rows = csv_stream(report_filter_, PUBLISHED, threshold=threshold(), protected=True)
    return csv_response(_filename("csv"), CSV_HEADER, rows)  # streamed: computed as it is sent


@bp.post("/reports/participation/exact.csv")
@admin_required
def download_exact_csv():
    """Exact figures, for administrators only; every download is written to the audit log."""
    if not ActionForm().validate_on_submit():
        abort(400)
    report_filter_, _form_ = requested_filter(request.args, current_user)
    services.record_unsuppressed_export(current_user, report_filter_.described, channel="web", format="csv")
    report = participation_report(report_filter_, PUBLISHED, protected=False)
    rows = list(FORMATS["csv"].render(report))  # computed in the unit of work; sent after its commit
    return csv_response(_filename("csv", "participation-exact"), CSV_HEADER, rows)


@bp.post("/reports/participation/export/<any(csv, brief, exact):kind>")
@trainer_required
def export(kind: str):
    """Prepare a download as a job (lms.jobs) and show its page: the protected CSV, the brief,
    or (administrators only, written to the audit log now) the exact CSV."""
    if not ActionForm().validate_on_submit():
        abort(400)
    report_filter_, _form_ = requested_filter(request.args, current_user)
    if kind == "exact":
        if not has_role(current_user, Role.ADMIN):
            abort(403)
        services.record_unsuppressed_export(
            current_user, report_filter_.described, channel="web", format="csv"
        )
    job = jobs.start(report_jobs.KINDS[kind].name, current_user, report_jobs.params(request.args))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/reports/participation/brief.pdf")
@trainer_required
def download_brief():
    report_filter_, _form_ = requested_filter(request.args, current_user)
    report = participation_report(report_filter_, IN_BRIEF, protected=True)
    response = Response(FORMATS["pdf"].render(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    response.headers["Cache-Control"] = "no-store"
    return response
