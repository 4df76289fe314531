"""`flask --app wsgi reports export --out FILE.csv [filters]`: scheduled exports.

Protected (perturbed, lms.reports.disclosure) by default. `--exact` (or its old name `--unsuppressed`)
needs `--as EMAIL` naming an active administrator and
writes a row to the audit log (report_export), the command's only change: the file is written
only after the audit row is committed.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from lms.accounts.services import find_by_email
from lms.courses.models import Course
from lms.csvexport import csv_lines
from lms.extensions import db
from lms.reports import services
from lms.reports.breakdowns import PUBLISHED
from lms.reports.exports import CSV_HEADER, FORMATS
from lms.reports.forms import FilterForm
from lms.reports.participation import Scope, participation_report, report_filter
from lms.unit_of_work import after_commit, transactional


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
    help="Exact figures (audit-logged); needs --as.",
)
@click.option("--as", "actor_email", default="", help="Email of the administrator taking an exact export.")
@with_appcontext
@transactional
def export(out, unsuppressed, actor_email, **filters):
    """Write the participation data (tidy CSV) for the given filters."""
    courses = list(db.session.execute(db.select(Course).order_by(Course.title)).scalars())
    form = FilterForm(MultiDict({**filters, "by": "course"}), courses)
    if not form.validate():
        problems = "; ".join(
            f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
        )
        raise click.ClickException(f"Invalid filters: {problems}")
    chosen = report_filter(form, Scope(courses, everything=True))
    if actor_email and not unsuppressed:
        raise click.ClickException("--as is only used with --exact.")
    if unsuppressed:
        if not actor_email:
            raise click.ClickException("--exact needs --as EMAIL naming an administrator.")
        actor = find_by_email(actor_email)
        try:
            services.record_unsuppressed_export(actor, chosen.described, channel="cli", format="csv")
        except services.ReportError as error:
            raise click.ClickException(str(error)) from None
    report = participation_report(chosen, PUBLISHED, protected=not unsuppressed)
    rows = list(FORMATS["csv"].render(report))
    after_commit(_write, Path(out), rows, "exact (audit-logged)" if unsuppressed else "protected")


def _write(path: Path, rows: list, kind: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for piece in csv_lines(CSV_HEADER, rows):
            handle.write(piece)
    click.echo(f"Wrote {len(rows)} rows, {kind}, to {path}.")
