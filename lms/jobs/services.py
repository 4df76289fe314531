"""Starting jobs, running them as the task `lms.jobs.run`, and what their owners download.

A domain registers each kind of job it offers (`register(JobKind(...))`, in its init_app): a
name, a title, and `run(job, progress, out)` which writes the result to the path `out` (when
the kind has a file) and may return a small summary for the job page. The task around it:

- runs it once per queued job (a repeated task finds the job ended and does nothing; one whose
  worker died finds it running and runs it again, so a kind's work must be repeatable);
- writes the file as `out` under EXPORTS_DIR (`job-<id>-<random>.<ext>`, mode 0600, through `.part` and a
  rename: a failure leaves no half-written file) and keeps it EXPORT_RETENTION_DAYS;
- records progress (`progress(done, total)`, on a connection of its own, at most twice a
  second) for the owner's page, which refreshes itself;
- on success or failure mails the owner a link to that page, in the language they asked in;
- retries transient failures (database, broker) with back-off and otherwise fails the job with
  a problem code (`PROBLEMS`) the page explains; its owner can try again.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from lms import queue
from lms import unit_of_work as units
from lms.accounts.models import User
from lms.columns import utcnow
from lms.extensions import db
from lms.files import private_directory
from lms.jobs.models import Job, JobState
from lms.links import absolute_url
from lms.mail import send_mail
from lms.unit_of_work import unit_of_work

logger = logging.getLogger("lms.jobs")

Progress = Callable[[int, int | None], None]
STALE_PART_SECONDS = 24 * 60 * 60  # a .part this old belongs to no running job


@dataclass(frozen=True)
class JobKind:
    name: str
    title: object  # a lazy string
    run: Callable[[Job, Progress, Path | None], dict | None]
    suffix: str = ""  # ".zip", ".csv", ".pdf": the kind makes a file; "" it does not
    mimetype: str = "application/octet-stream"
    download_name: str = ""
    problems: dict = field(default_factory=dict)  # the kind's own problem codes


KINDS: dict[str, JobKind] = {}

PROBLEMS = {
    "failed": _l("The job stopped because of an unexpected error (recorded in the server log)."),
    "unavailable": _l("The database or the task queue stayed unavailable for too long."),
    "unknown-kind": _l("This server does not know how to run this job."),
}


class JobProblem(Exception):
    """Raised by a kind's `run` to fail its job with a problem code the page explains, and
    `lines` of detail (already in the owner's language: the task runs in it)."""

    def __init__(self, code: str, lines: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.lines = [str(line) for line in lines or ()]


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def problem_text(job: Job) -> str:
    kind = KINDS.get(job.kind)
    messages = {**PROBLEMS, **(kind.problems if kind else {})}
    return str(messages.get(job.problem or "", PROBLEMS["failed"]))


def title(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return str(kind.title) if kind else job.kind


def start(kind: str, owner: User, params: dict | None = None, *, total: int | None = None) -> Job:
    """Create a queued job for `owner` and queue it once the unit of work commits. Flushes."""
    if kind not in KINDS:
        raise KeyError(kind)
    job = Job(kind=kind, owner_id=owner.id, params=dict(params or {}), total=total, locale=_locale())
    db.session.add(job)
    db.session.flush()
    queue.enqueue("lms.jobs.run", job.id)
    return job


def retry(job: Job) -> None:
    """Queue a failed job again (raises JobError for any other). Flushes."""
    job.requeue()
    db.session.flush()
    queue.enqueue("lms.jobs.run", job.id)


def _locale() -> str:
    if has_request_context():
        return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def exports_dir() -> Path:
    return private_directory(Path(current_app.config["EXPORTS_DIR"]))


def stored_file(job: Job) -> Path | None:
    return exports_dir() / job.file_name if job.file_name else None


class _Progress:
    """`progress(done, total)`: committed apart from the job's own unit of work (which stays
    open until the work is done), at most every half second, so the owner's page can show it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        values = {"done": done} if total is None else {"done": done, "total": total}
        units.apart(update(Job).where(Job.id == self.job_id).values(**values))


@queue.task("lms.jobs.run", bind=True)
def run(task, job_id: int) -> str:
    """Run the queued job `job_id` (idempotent: an ended job is left as it is)."""
    job = db.session.get(Job, job_id)
    if job is None or job.ended:
        return "nothing to do"
    kind = KINDS.get(job.kind)
    with unit_of_work():
        if kind is None:
            job.fail(utcnow(), "unknown-kind")
            return "failed"
        job.start(utcnow())
    # A new random name per run: a file of a deleted job whose id is used again is never served.
    out = exports_dir() / f"job-{job.id}-{secrets.token_hex(8)}{kind.suffix}" if kind.suffix else None
    partial = out.with_name(out.name + ".part") if out else None
    try:
        with unit_of_work(), force_locale(job.locale):
            summary = kind.run(job, _Progress(job.id), partial)
            size = None
            if out is not None:
                os.chmod(partial, 0o600)
                os.replace(partial, out)
                size = out.stat().st_size
            now = utcnow()
            days = int(current_app.config["EXPORT_RETENTION_DAYS"])
            job.result = dict(summary or {})
            job.succeed(
                now, file_name=out.name if out else None, size=size, expires_at=now + timedelta(days=days)
            )
            _mail_owner(job)
        return "succeeded"
    except JobProblem as problem:
        _fail(job_id, problem.code, problem.lines)
    except queue.TRANSIENT:
        if task.request.retries < task.max_retries:
            with unit_of_work():
                db.session.execute(update(Job).where(Job.id == job_id).values(state=JobState.QUEUED))
            raise  # retried with back-off by the task's autoretry
        logger.exception("Job %s (%s) gave up after %d tries", job_id, kind.name, task.request.retries + 1)
        _fail(job_id, "unavailable")
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, kind.name)
        _fail(job_id, "failed")
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    return "failed"


def _fail(job_id: int, code: str, lines: list[str] | None = None) -> None:
    db.session.rollback()
    with unit_of_work():
        job = db.session.get(Job, job_id)
        job.fail(utcnow(), code)
        job.result = {"lines": lines} if lines else {}
        with force_locale(job.locale):
            _mail_owner(job)


def _mail_owner(job: Job) -> None:
    """Tell the owner (after the commit) that the job ended, with a link to its page."""
    owner = db.session.get(User, job.owner_id)
    if owner is None or not owner.active:
        return
    link = absolute_url("jobs.show", job_id=job.id)
    if job.state == JobState.SUCCEEDED:
        subject = _("Ready: %(title)s", title=title(job))
        body = _(
            "Hello %(name)s,\n\n%(title)s is ready. Sign in and download it here:\n%(link)s\n\n"
            "It is kept for %(days)d days.\n",
            name=owner.full_name,
            title=title(job),
            link=link,
            days=int(current_app.config["EXPORT_RETENTION_DAYS"]),
        )
    else:
        subject = _("Failed: %(title)s", title=title(job))
        body = _(
            "Hello %(name)s,\n\n%(title)s could not be completed: %(problem)s\n\nYou can try again "
            "from this page:\n%(link)s\n",
            name=owner.full_name,
            title=title(job),
            problem=problem_text(job),
            link=link,
        )
    send_mail(owner.email, subject, body)


@queue.task("lms.jobs.expire")
def expire() -> int:
    """Delete the files of jobs past their retention (run by `celery beat` every hour); their
    pages then say the file expired. Also deletes `.part` files a day old: a worker killed while
    writing (SIGKILL, a power cut) leaves one behind, and its job is run again from the start.
    Idempotent; returns how many files it deleted."""
    now = utcnow()
    removed = 0
    with unit_of_work():
        for job in db.session.execute(
            select(Job).where(Job.expires_at <= now, Job.file_name.is_not(None))
        ).scalars():
            (exports_dir() / job.file_name).unlink(missing_ok=True)
            job.file_name = None
            removed += 1
    stale = time.time() - STALE_PART_SECONDS
    for partial in exports_dir().glob("job-*.part"):
        if partial.stat().st_mtime < stale:
            partial.unlink(missing_ok=True)
            removed += 1
    return removed


def page_url(job_id: int) -> str:
    return absolute_url("jobs.show", job_id=job_id)


def follow(job_id: int, on_progress: Callable[[int], None], *, interval: float = 0.5) -> Job:
    """Wait for job `job_id` to end (for the CLI), calling `on_progress(done)` as it moves;
    returns the ended job. Each look is a short read transaction of its own."""
    while True:
        db.session.rollback()  # end the previous snapshot: see what the worker committed since
        job = db.session.execute(
            select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
        ).scalar_one()
        on_progress(job.done)
        if job.ended:
            return job
        time.sleep(interval)
