"""Outgoing email. With no MAIL_SERVER configured, messages are written to the outbox folder
under instance/ so that a developer can open them; the log names the file, never the address."""

from __future__ import annotations

import secrets
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from lms.files import private_directory, write_private


def send_mail(to: str, subject: str, body: str) -> Path | None:
    """Send a plain-text message; returns the outbox file when one was written."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if cfg["MAIL_SERVER"]:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
        current_app.logger.info("Mail sent: %s", subject)
        return None
    outbox = private_directory(Path(cfg["OUTBOX_DIR"]))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")  # sorts in the order of sending
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    write_private(path, bytes(message))  # mode 0600: it holds links that sign people in
    current_app.logger.warning("Mail written to %s (no MAIL_SERVER configured)", path)
    return path
