"""Outgoing email, always through the task queue (`lms.mail.deliver`), never inside a request.

`send_mail` gives the message its Message-ID and queues it (after the running unit of work
commits); the task sends it over SMTP, or with no MAIL_SERVER configured writes it to the outbox
folder under instance/ so that a developer can open it. Delivery is idempotent: a delivered
Message-ID is recorded (`mail_delivery`) and a repeated task (a worker that died after sending,
a redelivered message) sends nothing twice. A mail server that is down is retried with back-off.
Logs name the Message-ID or the outbox file, never an address: SMTP errors, which often quote
the recipient, are replaced by their class and reply code before anything logs them.

An address recorded as bounced (`record_bounce`: `flask mail bounce`) gets no more mail: the
delivery task drops a message to it, whoever queued it, until the bounce is cleared (the
person does it from their account page once their mailbox works again).
"""

from __future__ import annotations

import secrets
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from lms import queue
from lms.columns import utcnow
from lms.extensions import db
from lms.files import private_directory, write_private
from lms.inputs import one_line
from lms.unit_of_work import unit_of_work


class MailDelivery(db.Model):
    """A message that has left: its Message-ID only (no address, no text)."""

    __tablename__ = "mail_delivery"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailBounce(db.Model):
    """An address whose mail came back undelivered: nothing more is sent to it. Personal data
    (the address): exported and erased with the person's account (lms/privacy)."""

    __tablename__ = "mail_bounce"

    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


def bounce_of(address: str) -> MailBounce | None:
    """The bounce recorded for `address` (compared in lower case), or None."""
    address = (address or "").strip().lower()
    if not address or "\x00" in address:
        return None
    return db.session.get(MailBounce, address)


def record_bounce(address: str, reason: str = "") -> MailBounce:
    """Record (or update) a bounce; flushes only. `reason` is kept short and on one line."""
    address = address.strip().lower()
    reason = one_line(reason or "")[:200]
    bounce = bounce_of(address)
    if bounce is None:
        bounce = MailBounce(address=address, reason=reason, recorded_at=utcnow())
        db.session.add(bounce)
    else:
        bounce.reason, bounce.recorded_at = reason or bounce.reason, utcnow()
    db.session.flush()
    return bounce


def clear_bounce(address: str) -> bool:
    """Send to `address` again; flushes only. Returns whether a bounce was recorded."""
    bounce = bounce_of(address)
    if bounce is None:
        return False
    db.session.delete(bounce)
    db.session.flush()
    return True


class MailServerError(Exception):
    """The mail server refused or failed, described without the server's text (which may name
    the recipient). Retried with back-off."""


# Extra headers a caller may set (a notification's unsubscribe link, RFC 8058); no others.
EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted")


def send_mail(
    to: str, subject: str, body: str, *, after_commit: bool = True, headers: dict[str, str] | None = None
) -> str:
    """Queue a plain-text message once the running unit of work commits (`after_commit=False`:
    now, whatever becomes of the unit, for a message that depends on nothing it changes);
    returns its Message-ID. Without a broker it is delivered at once, in-process. `headers`
    may set those of EXTRA_HEADERS (KeyError for any other)."""
    for name in headers or {}:
        if name not in EXTRA_HEADERS:
            raise KeyError(name)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    message_id = make_msgid(idstring=secrets.token_hex(4), domain=domain)
    args = (message_id, format_datetime(datetime.now(UTC)), to, subject, body)
    if headers:
        args += (dict(headers),)
    queue.enqueue("lms.mail.deliver", *args, after_commit=after_commit)
    return message_id


def compose(
    message_id: str, date: str, to: str, subject: str, body: str, headers: dict | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    # A subject is one line whatever a course or thread title held: CR, LF (and the other line
    # breaks str.split knows) would make the email package refuse the header, the task fail and
    # the mail never leave; NUL is dropped.
    message["Subject"] = one_line(subject)
    message["Date"] = date
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        if name in EXTRA_HEADERS:
            message[name] = value
    message.set_content(body)
    return message


@queue.task("lms.mail.deliver", retry_on=(MailServerError,))
def deliver(
    message_id: str, date: str, to: str, subject: str, body: str, headers: dict | None = None
) -> None:
    """Send one queued message unless it has been delivered already or its address bounced."""
    if db.session.get(MailDelivery, message_id) is not None:
        current_app.logger.info("Mail %s was delivered already", message_id)
        return
    if bounce_of(to) is not None:
        current_app.logger.info("Mail %s not sent: its address bounced earlier", message_id)
        return
    message = compose(message_id, date, to, subject, body, headers)
    if current_app.config["MAIL_SERVER"]:
        _smtp(message)
        current_app.logger.info("Mail %s sent", message_id)
    else:
        path = _write_to_outbox(message)
        current_app.logger.warning("Mail written to %s (no MAIL_SERVER configured)", path)
    try:
        with unit_of_work():
            db.session.add(MailDelivery(message_id=message_id))
    except IntegrityError:
        pass  # another worker delivered the same message at the same moment


def _smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        code = getattr(error, "smtp_code", "") or getattr(error, "errno", "") or ""
        raise MailServerError(f"{type(error).__name__} {code}".strip()) from None


def _write_to_outbox(message: EmailMessage) -> Path:
    outbox = private_directory(Path(current_app.config["OUTBOX_DIR"]))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")  # sorts in the order of sending
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    write_private(path, bytes(message))  # mode 0600: it holds links that sign people in
    return path
