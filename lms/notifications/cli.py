"""`flask notifications remind|digest` (what celery beat runs daily and weekly) and
`flask mail bounce|unbounce` (record an address whose mail came back, or clear it)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.accounts.services import AccountError, normalise_email
from lms.mail import clear_bounce, record_bounce
from lms.notifications import services
from lms.unit_of_work import transactional


@click.group()
def notifications() -> None:
    """Reminders and digests."""


@notifications.command("remind")
@with_appcontext
@transactional
def remind() -> None:
    """Send the reminders due now (inactivity, coming due dates); at most one a week each."""
    click.echo(f"Sent {services.send_reminders()} reminders.")


@notifications.command("digest")
@with_appcontext
def digest() -> None:
    """Mail each person their weekly digest now."""
    click.echo(f"Sent {services.send_digests()} digests.")


@click.group()
def mail() -> None:
    """Outgoing mail."""


def dsn_failures(data: bytes) -> list[tuple[str, str]]:
    """(address, reason) for each recipient a delivery status notification (RFC 3464) says
    failed; nothing for a message that is not one."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    failures = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload() or []:
            if str(block.get("Action", "")).strip().lower() != "failed":
                continue
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            address = recipient.split(";", 1)[-1].strip()
            status = str(block.get("Status", "")).strip()
            diagnostic = str(block.get("Diagnostic-Code", "")).split(";", 1)[-1].strip()
            if address:
                failures.append((address, " ".join(filter(None, [status, diagnostic]))))
    return failures


@mail.command("bounce")
@click.argument("addresses", nargs=-1)
@click.option("--reason", default="", help="Why (e.g. the server's answer); shown to the person.")
@click.option(
    "--dsn",
    "dsn_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A bounce message (delivery status notification) to read the failed addresses from.",
)
@with_appcontext
@transactional
def bounce(addresses: tuple[str, ...], reason: str, dsn_file: Path | None) -> None:
    """Record that mail to ADDRESSES bounced: nothing more is sent to them."""
    found = [(address, reason) for address in addresses]
    if dsn_file is not None:
        found += dsn_failures(dsn_file.read_bytes()[:10_000_000])
    if not found:
        raise click.ClickException("No address given, and no failed recipient in the bounce message.")
    for address, why in found:
        try:
            record_bounce(normalise_email(address), why)
        except AccountError as error:
            raise click.ClickException(f"Not an email address: {error}") from None
    click.echo(f"Recorded {len(found)} bounced addresses; no more mail goes to them.")


@mail.command("unbounce")
@click.argument("address")
@with_appcontext
@transactional
def unbounce(address: str) -> None:
    """Send to ADDRESS again (its mailbox works again)."""
    click.echo("Cleared." if clear_bounce(address) else "No bounce was recorded for this address.")
