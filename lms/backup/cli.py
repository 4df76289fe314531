"""`flask --app wsgi backup create DEST | verify SRC | restore SRC [--force]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.backup import archive
from lms.backup.manifest import BackupRefused
from lms.unit_of_work import transactional


@click.group()
def backup() -> None:
    """Back up and restore the database, keys, media and exports."""


def _refused(error: BackupRefused) -> click.ClickException:
    return click.ClickException("\n".join(problem.message() for problem in error.problems))


@backup.command("create")
@click.argument("destination", type=click.Path(path_type=Path))
@with_appcontext
@transactional
def create(destination: Path) -> None:
    """Write a backup archive to DESTINATION (a file, or a folder for a dated file)."""
    try:
        made = archive.create(destination)
    except BackupRefused as error:
        raise _refused(error) from None
    click.echo(f"Wrote {made.path} ({made.size} bytes, {made.files} files, manifest with SHA-256 checksums).")


@backup.command("verify")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify(source: Path) -> None:
    """Check an archive: every file against the manifest, the format and the schema revision."""
    try:
        manifest = archive.verify(source)
    except BackupRefused as error:
        raise _refused(error) from None
    database = manifest["database"]
    click.echo(
        f"OK: {len(manifest['files'])} files match their checksums; {database['dialect']} database "
        f"at revision {database.get('revision') or 'none'}, made {manifest['created_at']}."
    )


@backup.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and folders that are not empty.")
@with_appcontext
@transactional
def restore(source: Path, force: bool) -> None:
    """Restore an archive into an empty database and instance folder."""
    try:
        done = archive.restore(source, force=force)
    except BackupRefused as error:
        raise _refused(error) from None
    for path in done.kept:
        click.echo(f"Kept this installation's {path}; the backup's copy was not restored.")
    click.echo(
        f"Restored {done.files} files from a backup made {done.manifest['created_at']}. "
        "Run `flask --app wsgi db upgrade` if this version is newer than the backup's."
    )
