"""`flask certificates export`: the ZIP of PDFs plus register, written to a file;
`flask certificates rotate-key`: a new signing key, the old one kept for old credentials."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.certificates import documents, export, keys, queries
from lms.courses.queries import course_by_slug


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
@with_appcontext
def export_command(course_slug, since, until, status, out: Path) -> None:
    """Write the matching certificates' PDFs and a register.csv into a ZIP file.

    The archive is written to OUT.part and renamed when complete, so a failure never leaves a
    half-written OUT behind. Absolute verification URLs use BASE_URL.
    """
    if course_slug and course_by_slug(course_slug) is None:
        raise click.BadParameter(f"no course has the slug {course_slug!r}", param_hint="--course")
    criteria = queries.RegisterFilter(
        course=course_slug,
        since=since.date() if since else None,
        until=until.date() if until else None,
        status=status or "",
    )
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
