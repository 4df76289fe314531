"""`flask --app wsgi reports export --out FILE.csv [filters]`: scheduled exports.

Protected (perturbed, lms.reports.disclosure) by default. `--exact` (or its old name `--unsuppressed`)
needs `--as EMAIL` naming an active administrator and writes a row to the audit log
(report_export) before the file is written. `--queued` runs it as a job (lms.jobs) of `--as`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from lms.accounts.models import User
from lms.accounts.services import find_by_email
from lms.courses.models import Course
from lms.csvexport import csv_lines
from lms.extensions import db
from lms.jobs import services as job_services
from lms.jobs.cli import follow_into
from lms.policy import has_role
from lms.reports import jobs, services
from lms.reports.breakdowns import PUBLISHED
from lms.reports.exports import CSV_HEADER, csv_stream
from lms.reports.forms import FilterForm
from lms.reports.participation import Scope, report_filter, scope_of, threshold
from lms.roles import Role
from lms.unit_of_work import unit_of_work


@click.group()
def reports() -> None:
    """Participation data exports."""


@reports.command("export")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="CSV file to write."
)
# One option per filter of the form (lms.reports.forms.FILTERS), under the same name.
@click.option("--course", default="", help="Course slug.")
@click.option("--audience", default="")
@click.option("--country", default="", help="ISO 3166 alpha-2 code, such as KE.")
@click.option("--institution", default="")
@click.option("--profile-role", "profile_role", default="")
@click.option("--from", "enrolled_from", default="", help="First enrolment day, YYYY-MM-DD.")
@click.option("--to", "enrolled_to", default="", help="Last enrolment day, YYYY-MM-DD.")
@click.option(
    "--exact",
    "--unsuppressed",
    "unsuppressed",
    is_flag=True,
    help="Exact figures (audit-logged); needs --as naming an administrator.",
)
@click.option("--queued", is_flag=True, help="Run it on the task queue as a job of --as, and follow it here.")
@click.option(
    "--as",
    "actor_email",
    default="",
    help="The administrator taking an exact export, or the trainer or administrator owning a queued one.",
)
@with_appcontext
def export(out, unsuppressed, queued, actor_email, **filters):
    """Write the participation data (tidy CSV) for the given filters.

    Inline, the file is computed here breakdown by breakdown (memory stays flat) and written
    once the audit row of an exact export is committed. With --queued a worker makes it as a
    job of --as (on the web for them too, mailed when ready; only the courses --as may see) and
    the bar here follows it; without a broker the job runs in this process."""
    args = MultiDict({name: value for name, value in filters.items() if value})
    if actor_email and not (unsuppressed or queued):
        raise click.ClickException("--as is only used with --exact or --queued.")
    actor = _actor(actor_email, exact=unsuppressed) if actor_email else None
    if unsuppressed and actor is None:
        raise click.ClickException("--exact needs --as EMAIL naming an administrator.")
    if queued and actor is None:
        raise click.ClickException(
            "--queued needs --as EMAIL naming the trainer or administrator who owns the job."
        )
    scope = scope_of(actor) if queued else Scope(_courses(), everything=True)
    chosen = _checked_filter(args, scope)
    with unit_of_work():
        if unsuppressed:
            try:
                services.record_unsuppressed_export(actor, chosen.described, channel="cli", format="csv")
            except services.ReportError as error:
                raise click.ClickException(str(error)) from None
        if queued:
            kind = jobs.EXACT_CSV if unsuppressed else jobs.CSV
            job_id = job_services.start(kind.name, actor, jobs.params(args), total=len(PUBLISHED)).id
    kind = "exact (audit-logged)" if unsuppressed else "protected"
    if queued:
        follow_into(job_id, Path(out), total=len(PUBLISHED), progress_label="Computing the breakdowns")
        click.echo(f"Wrote the participation data, {kind}, to {out}.")
    else:
        _write(Path(out), chosen, kind, protected=not unsuppressed)


def _courses() -> list[Course]:
    return list(db.session.execute(db.select(Course).order_by(Course.title)).scalars())


def _actor(email: str, *, exact: bool) -> User:
    """The person named by --as, who must be an active administrator (an exact export) or at
    least a trainer (a queued protected one: the job shows them only their own courses)."""
    actor = find_by_email(email)
    needed = Role.ADMIN if exact else Role.TRAINER
    if actor is None or not actor.active or not has_role(actor, needed):
        what = "an active administrator" if exact else "an active trainer or administrator"
        raise click.BadParameter(f"name {what}'s email", param_hint="--as")
    return actor


def _checked_filter(args: MultiDict, scope: Scope):
    form = FilterForm(MultiDict({**args, "by": "course"}), scope.courses)
    slug = form.course.data
    if not form.validate() or (slug and slug not in form.known_courses):
        errors = dict(form.errors) or {"course": ["not one of the courses --as may see"]}
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in errors.items())
        raise click.ClickException(f"Invalid filters: {problems}")
    return report_filter(form, scope)


def _write(path: Path, chosen, kind: str, *, protected: bool) -> None:
    partial = path.with_name(path.name + ".part")
    lines = 0
    try:
        with (
            partial.open("w", encoding="utf-8", newline="") as handle,
            click.progressbar(
                length=len(PUBLISHED), label="Computing the breakdowns", file=sys.stderr
            ) as bar,
        ):
            rows = csv_stream(
                chosen,
                PUBLISHED,
                threshold=threshold(),
                protected=protected,
                on_breakdown=lambda d, t: bar.update(1),
            )
            for piece in csv_lines(CSV_HEADER, rows):
                handle.write(piece)
                lines += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {lines - 1} rows, {kind}, to {path}.")


@reports.command("rebuild-summary")
@with_appcontext
def rebuild_summary():
    """Recompute the participation summary from the enrolments, certificates and quiz attempts.

    Not needed in normal running (every write through the application keeps it up to date, in
    its own transaction); after data was loaded or changed with raw SQL, or to check it."""
    from lms.reports import summary

    with unit_of_work():
        rows = summary.rebuild(db.session.connection())
    click.echo(f"Rebuilt the participation summary: {rows} rows of detail.")
