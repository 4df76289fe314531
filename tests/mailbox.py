"""Read the development outbox (instance/outbox/*.eml) the way a recipient would."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

LINK = re.compile(r"https?://[^\s\"'<>]+")


def messages(app) -> list[EmailMessage]:
    folder = Path(app.config["OUTBOX_DIR"])
    paths = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in paths]


def bodies(app) -> list[str]:
    return [message.get_content() for message in messages(app)]


def clear(app) -> None:
    folder = Path(app.config["OUTBOX_DIR"])
    for path in folder.glob("*.eml") if folder.exists() else ():
        path.unlink()


def links(text: str) -> list[str]:
    return LINK.findall(text)
