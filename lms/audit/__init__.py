"""The audit log: who did what, when, and from which address.

Every domain records through one call, `record(Action.X, subject=..., details=...)`, inside the
request's (or command's) unit of work: the entry is written with the change it describes, or not
at all. An attempt that fails (a failed sign-in) passes `even_if_refused=True`: its page is a
4xx, which rolls the request back, so the entry is written just after, in a unit of its own.

Entries name people by id, hold the client's address (also of the one who failed to sign in:
the reason for keeping it) and small structured details, never free text; the application log
never receives any of it. Rows are append-only (see lms.audit.models); `purge` deletes those
older than AUDIT_RETENTION_DAYS, from `flask --app wsgi audit purge`.

This package sits in the core layer, so that accounts and every domain above may record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, has_request_context, request
from flask_login import current_user
from sqlalchemy import delete, func, insert, select

from lms.audit.models import Action, AuditEntry, AuditPurge
from lms.columns import utcnow
from lms.extensions import db
from lms.unit_of_work import after_end

__all__ = ["Action", "AuditEntry", "record", "purge"]


def _person_id(person) -> int | None:
    if person is None:
        return None
    if isinstance(person, int):
        return person
    return person.id


def _current_actor_id() -> int | None:
    if not has_request_context():
        return None
    user = current_user._get_current_object()
    return user.id if getattr(user, "is_authenticated", False) else None


def _address() -> str | None:
    """The client's address as the WSGI server (or ProxyFix, with TRUSTED_PROXIES) gives it."""
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:45] or None


_CURRENT = object()


def record(
    action: Action,
    *,
    subject=None,
    actor=_CURRENT,
    details: dict | None = None,
    even_if_refused: bool = False,
) -> None:
    """Add an entry to the log. `subject` and `actor` are users or ids (the actor is, unless
    given, whoever is signed in to this request; None means the platform or a command).
    `details` must be JSON-serialisable ids, codes or role names, never names or free text.
    Joins the running unit of work (flushes); with `even_if_refused` it is written after the
    unit ends, whatever its outcome. Raises ValueError for an unknown action."""
    values = {
        "at": utcnow(),
        "action": Action(action).value,
        "actor_id": _current_actor_id() if actor is _CURRENT else _person_id(actor),
        "subject_id": _person_id(subject),
        "address": _address(),
        "details": dict(details or {}),
    }
    if even_if_refused:
        try:
            after_end(_write, values)
            return
        except RuntimeError:  # no unit of work: the caller commits
            pass
    _write(values)


def _write(values: dict) -> None:
    db.session.add(AuditEntry(**values))
    db.session.flush()


def purge(retention_days: int, *, now: datetime | None = None) -> int:
    """Delete the entries older than `retention_days` days and return how many; records the
    purge itself (the only way rows leave the table). Flushes only."""
    if retention_days < 1:
        raise ValueError("retention must be at least one day")
    before = (now or utcnow()) - timedelta(days=retention_days)
    session = db.session
    count = session.execute(select(func.count()).where(AuditEntry.at < before)).scalar_one()
    session.execute(insert(AuditPurge).values(before=before))
    session.execute(delete(AuditEntry).where(AuditEntry.at < before))
    session.execute(delete(AuditPurge))
    record(Action.AUDIT_PURGED, actor=None, details={"before": before.isoformat(), "deleted": count})
    return count


def init_app(app: Flask) -> None:
    from lms.audit.cli import audit

    app.cli.add_command(audit)
