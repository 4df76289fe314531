"""`flask certificates export`: the ZIP of PDFs plus register, written to a file;
`flask certificates rotate-key`: a new signing key, the old one kept for old credentials."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.accounts.services import find_by_email
from lms.certificates import documents, export, jobs, keys, queries
from lms.courses.queries import course_by_slug
from lms.jobs import services as job_services
from lms.jobs.cli import follow_into
from lms.roles import Role
from lms.unit_of_work import unit_of_work


@click.group("certificates", help="Certificates: bulk export, signing key rotation.")
def certificates() -> None:
    pass


@certificates.command("export")
@click.option("--course", "course_slug", default="", help="Only this course (its slug).")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issued on or after YYYY-MM-DD."
)
@click.option(
    "--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issued on or before YYYY-MM-DD."
)
@click.option("--status", type=click.Choice(["valid", "revoked", "superseded"]), default=None)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--queued", is_flag=True, help="Run it on the task queue as a job of --as, and follow it here.")
@click.option(
    "--as",
    "owner_email",
    default="",
    help="With --queued: the administrator who owns the job (web page, mail).",
)
@with_appcontext
def export_command(course_slug, since, until, status, out: Path, queued: bool, owner_email: str) -> None:
    """Write the matching certificates' PDFs and a register.csv into a ZIP file.

    The archive is written to OUT.part and renamed when complete, so a failure never leaves a
    half-written OUT behind. Absolute verification URLs use BASE_URL. With --queued a worker
    makes it (the job appears on the web for --as, who is mailed when it is ready) while the
    progress bar here follows the job; without a broker the job runs in this process.
    """
    if course_slug and course_by_slug(course_slug) is None:
        raise click.BadParameter(f"no course has the slug {course_slug!r}", param_hint="--course")
    criteria = queries.RegisterFilter(
        course=course_slug,
        since=since.date() if since else None,
        until=until.date() if until else None,
        status=status or "",
    )
    if queued:
        _export_queued(criteria, owner_email, out)
        return
    total = queries.count_register(criteria)
    note = "No certificate matched the filters of this export; register.csv has only its header.\n"
    partial = out.with_name(out.name + ".part")
    render = documents.export_renderer(documents.layout())
    try:
        with (
            partial.open("wb") as handle,
            click.progressbar(length=total, label="Exporting certificates", file=sys.stderr) as bar,
        ):
            for chunk in export.zip_chunks(
                queries.iter_register(criteria),
                render,
                on_each=lambda cert: bar.update(1),
                empty_note=note,
            ):
                handle.write(chunk)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    if total == 0:
        click.echo(
            f"No certificate matches these filters. Wrote an empty archive with the register header to {out}."
        )
    else:
        click.echo(f"Exported {total} certificate(s) to {out}.")


@certificates.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Make a new signing key. The old public key stays in the DID document, so credentials
    signed with it keep verifying; new downloads are signed with the new key."""
    old = keys.current_multikey()
    new = keys.rotate()
    click.echo(f"Retired {old}; now signing with {new}.")


def _export_queued(criteria: queries.RegisterFilter, owner_email: str, out: Path) -> None:
    owner = find_by_email(owner_email) if owner_email else None
    if owner is None or not owner.active or Role(owner.role) != Role.ADMIN:
        raise click.BadParameter("name an active administrator's email", param_hint="--as")
    total = queries.count_register(criteria)
    with unit_of_work():
        job = job_services.start(jobs.ZIP.name, owner, jobs.criteria_params(criteria), total=total)
        job_id = job.id
    follow_into(job_id, out, total=total, progress_label="Exporting certificates")
    click.echo(f"Exported {total} certificate(s) to {out}.")
