"""Participation downloads as jobs (lms.jobs): the protected CSV, the policy brief and the
administrators' exact CSV, computed by a worker with the reports' own functions.

A job keeps the request's filter arguments, not a computed filter: the worker rebuilds the form
and the owner's scope as they stand when it runs, so a trainer who lost a course meanwhile, or
an administrator who is one no longer, gets no figures they may not see now.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from lms.accounts.models import User
from lms.csvexport import csv_lines
from lms.extensions import db
from lms.jobs.services import JobKind, JobProblem, Progress
from lms.policy import has_role
from lms.reports.breakdowns import IN_BRIEF, PUBLISHED
from lms.reports.exports import CSV_HEADER, FORMATS, csv_stream
from lms.reports.forms import FilterForm
from lms.reports.participation import participation_report, report_filter, scope_of, threshold
from lms.roles import Role

PROBLEMS = {
    "report-filters": _l(
        "The filters of this download are no longer valid (a course or country may have gone)."
    ),
    "report-not-allowed": _l("You may no longer see these figures."),
}


def params(args: MultiDict) -> dict:
    """What a job keeps of the request: its filter arguments."""
    return {"args": args.to_dict(flat=False)}


def _filter(job, *, protected: bool):
    """The job's filter, rebuilt against what its owner may see now."""
    owner = db.session.get(User, job.owner_id)
    if owner is None or not owner.active or not has_role(owner, Role.TRAINER):
        raise JobProblem("report-not-allowed")
    if not protected and not has_role(owner, Role.ADMIN):
        raise JobProblem("report-not-allowed")
    scope = scope_of(owner)
    form = FilterForm(MultiDict(job.params.get("args", {})), scope.courses)
    slug = form.course.data
    if not form.validate() or (slug and slug not in form.known_courses):
        raise JobProblem("report-filters")
    return report_filter(form, scope)


def _write_csv(job, progress: Progress, out: Path, *, protected: bool) -> None:
    """Streamed breakdown by breakdown (memory holds one breakdown's groups), with progress
    counted in breakdowns for the job page and the CLI's bar."""
    chosen = _filter(job, protected=protected)
    rows = csv_stream(chosen, PUBLISHED, threshold=threshold(), protected=protected, on_breakdown=progress)
    with out.open("w", encoding="utf-8", newline="") as handle:
        for line in csv_lines(CSV_HEADER, rows):
            handle.write(line)


def run_csv(job, progress: Progress, out: Path) -> dict:
    _write_csv(job, progress, out, protected=True)
    return {}


def run_exact_csv(job, progress: Progress, out: Path) -> dict:
    _write_csv(job, progress, out, protected=False)
    return {}


def run_brief(job, progress: Progress, out: Path) -> dict:
    report = participation_report(_filter(job, protected=True), IN_BRIEF, protected=True)
    out.write_bytes(FORMATS["pdf"].render(report))
    return {}


CSV = JobKind(
    "report-csv", _l("Participation data (CSV, protected)"), run_csv,
    suffix=".csv", mimetype="text/csv", download_name="participation.csv", problems=PROBLEMS,
)  # fmt: skip
EXACT_CSV = JobKind(
    "report-exact-csv", _l("Participation data, exact figures (CSV, internal)"), run_exact_csv,
    suffix=".csv", mimetype="text/csv", download_name="participation-exact.csv", problems=PROBLEMS,
)  # fmt: skip
BRIEF = JobKind(
    "report-brief", _l("Policy brief (PDF, protected)"), run_brief,
    suffix=".pdf", mimetype="application/pdf", download_name="policy-brief.pdf", problems=PROBLEMS,
)  # fmt: skip
KINDS = {"csv": CSV, "brief": BRIEF, "exact": EXACT_CSV}
