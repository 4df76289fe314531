"""`flask --app wsgi hub import-seed [PATH]`: check the hub's seed folder, then import it."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.hub.seed import load_seed
from lms.hub.services import import_seed
from lms.unit_of_work import transactional


@click.group()
def hub() -> None:
    """The knowledge hub's content (see lms/hub/seed/README.md)."""


def course_slugs() -> set[str]:
    """The courses of the courses folder, by their folder names (their slugs)."""
    folder = Path(current_app.config["COURSES_DIR"])
    return {path.name for path in folder.iterdir() if path.is_dir()} if folder.is_dir() else set()


@hub.command("import-seed")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@with_appcontext
@transactional
def import_seed_command(path: Path | None) -> None:
    """Check every item under PATH (default: the shipped seed) and import all or nothing."""
    path = path or Path(current_app.config["HUB_SEED_DIR"])
    items, problems = load_seed(path, course_slugs())
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem(s) found; nothing was imported.")
    report = import_seed(items)
    click.echo(
        f"Imported {len(items)} hub item(s): {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.unchanged)} unchanged."
    )
