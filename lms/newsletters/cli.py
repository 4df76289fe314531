"""`flask newsletters erase ADDRESS`: erase a subscriber (and pending requests) by address, for a
person who asks without an account (someone with an account is erased with it, lms/privacy)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.newsletters import services
from lms.unit_of_work import transactional


@click.group()
def newsletters() -> None:
    """The hub's newsletters."""


@newsletters.command("erase")
@click.argument("address")
@with_appcontext
@transactional
def erase(address: str) -> None:
    """Erase what is kept about ADDRESS: its subscription, choices and pending requests."""
    if services.erase_address(address):
        click.echo("Erased.")
    else:
        click.echo("Nothing was kept about this address.")
