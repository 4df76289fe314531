"""The owner's pages of a job: progress (refreshing itself), result, download, try again.

Only the person who started a job, or an administrator, sees it: anybody else gets 404, as
for an id that does not exist. A download past its retention answers 410 with a page saying
the file expired.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms.columns import utcnow
from lms.errors import abort_with
from lms.extensions import db
from lms.jobs import bp, services
from lms.jobs.models import Job, JobError, JobState
from lms.policy import has_role, login_required
from lms.roles import Role

REFRESH_SECONDS = 3
STATE_LABELS = {
    JobState.QUEUED: _l("waiting"),
    JobState.RUNNING: _l("in progress"),
    JobState.SUCCEEDED: _l("ready"),
    JobState.FAILED: _l("failed"),
}


def _visible_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or (job.owner_id != current_user.id and not has_role(current_user, Role.ADMIN)):
        abort(404)
    return job


@bp.get("/jobs")
@login_required
def mine():
    jobs = db.session.execute(
        select(Job).where(Job.owner_id == current_user.id).order_by(Job.id.desc()).limit(50)
    ).scalars()
    return render_template(
        "jobs/mine.html", jobs=list(jobs), services=services, now=utcnow(), states=STATE_LABELS
    )


@bp.get("/jobs/<int:job_id>")
@login_required
def show(job_id: int):
    job = _visible_job(job_id)
    refresh = not job.ended and request.args.get("refresh") != "off"
    return render_template(
        "jobs/show.html",
        job=job,
        title=services.title(job),
        problem=services.problem_text(job) if job.state == JobState.FAILED else "",
        expired=job.expired(utcnow()),
        refresh=REFRESH_SECONDS if refresh else None,
        kind=services.KINDS.get(job.kind),
    )


@bp.get("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = _visible_job(job_id)
    kind = services.KINDS.get(job.kind)
    if job.state != JobState.SUCCEEDED or kind is None or not kind.suffix:
        abort_with(409, _("This job has no file to download yet."))
    path = services.stored_file(job)
    if job.expired(utcnow()) or path is None or not path.exists():
        return render_template("jobs/expired.html", job=job, title=services.title(job)), 410
    response = send_file(
        path, mimetype=kind.mimetype, as_attachment=True, download_name=kind.download_name, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/jobs/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    job = _visible_job(job_id)
    try:
        services.retry(job)
    except JobError:
        abort_with(409, _("Only a job that failed can be tried again."))
    return redirect(url_for("jobs.show", job_id=job.id))
