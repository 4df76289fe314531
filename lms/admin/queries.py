"""Reads behind the administration pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.audit import Action, AuditEntry
from lms.database import contains_pattern
from lms.extensions import db
from lms.roles import Role


def users_matching(text: str = "", role: str = "") -> Select:
    """Users whose name or email contains `text` (case-insensitive), newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    text = (text or "").strip()
    if text:
        pattern = contains_pattern(text)
        query = query.where(
            or_(User.email.ilike(pattern, escape="\\"), User.full_name.ilike(pattern, escape="\\"))
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page shows: entries by or about `person_id`, of `action`, between two
    dates (inclusive, UTC). Kept in the session as a dict of plain values."""

    person_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None

    def to_session(self) -> dict:
        return {
            "person_id": self.person_id,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    @classmethod
    def from_session(cls, data: dict | None) -> AuditFilter:
        """Whatever the session holds (an older format, a tampered value) reads as no filter."""
        data = data if isinstance(data, dict) else {}

        def day(value):
            try:
                return date.fromisoformat(value) if isinstance(value, str) and value else None
            except (TypeError, ValueError):
                return None

        person = data.get("person_id")
        action = data.get("action") or ""
        return cls(
            person_id=person if type(person) is int else None,
            action=action if isinstance(action, str) and action in {a.value for a in Action} else "",
            since=day(data.get("since")),
            until=day(data.get("until")),
        )


ACTOR = aliased(User, name="actor")
SUBJECT = aliased(User, name="subject")


def audit_entries(chosen: AuditFilter, *, with_people: bool = False) -> Select:
    """The entries, newest first; `with_people`: (entry, actor, subject) rows, either person
    None when the entry names nobody (or an id without an account)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if with_people:
        query = (
            query.add_columns(ACTOR, SUBJECT)
            .outerjoin(ACTOR, ACTOR.id == AuditEntry.actor_id)
            .outerjoin(SUBJECT, SUBJECT.id == AuditEntry.subject_id)
        )
    if chosen.person_id is not None:
        query = query.where(
            or_(AuditEntry.actor_id == chosen.person_id, AuditEntry.subject_id == chosen.person_id)
        )
    if chosen.action:
        query = query.where(AuditEntry.action == chosen.action)
    if chosen.since:
        query = query.where(AuditEntry.at >= datetime.combine(chosen.since, time.min))
    if chosen.until:
        query = query.where(AuditEntry.at < datetime.combine(chosen.until + timedelta(days=1), time.min))
    return query


def people_by_id(entries: list[AuditEntry]) -> dict[int, User]:
    """The accounts a page of entries names, in one query."""
    ids = {e.actor_id for e in entries} | {e.subject_id for e in entries}
    ids.discard(None)
    if not ids:
        return {}
    return {user.id: user for user in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}


AUDIT_CSV_HEADER = (
    "id",
    "at_utc",
    "action",
    "actor_id",
    "actor",
    "subject_id",
    "subject",
    "address",
    "details",
)


def audit_csv_rows(chosen: AuditFilter) -> Iterator[tuple]:
    """The filtered entries as CSV rows, read in batches so memory stays flat."""
    result = db.session.execute(audit_entries(chosen, with_people=True).execution_options(yield_per=500))
    for entry, actor, subject in result:
        yield (
            entry.id,
            entry.at.isoformat(timespec="seconds"),
            entry.action,
            entry.actor_id,
            actor.full_name if actor is not None else "",
            entry.subject_id,
            subject.full_name if subject is not None else "",
            entry.address or "",
            json.dumps(entry.details, sort_keys=True, ensure_ascii=False),
        )
