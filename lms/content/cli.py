"""`flask --app wsgi courses import [PATH]`: validate a tree of course files, then import it."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.content.format import load_tree
from lms.content.importer import conflicts, import_courses
from lms.unit_of_work import transactional


@click.group()
def courses() -> None:
    """Import courses written as files (see courses/README.md)."""


@courses.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="Print only problems and the summary line.")
@with_appcontext
@transactional
def import_command(path: Path | None, quiet: bool) -> None:
    """Validate everything under PATH (default: the courses folder) and import it in one transaction."""
    path = path or Path(current_app.config["COURSES_DIR"])
    config = current_app.config
    specs, problems = load_tree(path, config["MAX_LESSON_BYTES"], config["MAX_IMAGE_BYTES"])
    problems += conflicts(specs)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem(s) found; nothing was imported.")
    report = import_courses(specs)
    if not quiet:
        for line in report.lines():
            click.echo(line)
    click.echo(
        f"Imported {len(specs)} course(s): {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed."
    )
