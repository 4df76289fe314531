"""`flask --app wsgi audit purge`: apply the retention period (run it daily, e.g. from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms import audit as audit_log
from lms.unit_of_work import transactional


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="Days to keep (default: AUDIT_RETENTION_DAYS).",
)
@with_appcontext
@transactional
def purge(days: int | None) -> None:
    """Delete audit entries older than the retention period."""
    days = days or int(current_app.config["AUDIT_RETENTION_DAYS"])
    deleted = audit_log.purge(days)
    click.echo(f"Deleted {deleted} audit entries older than {days} days.")
