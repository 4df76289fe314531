"""Operations of the reports domain. They only flush; the request's or CLI command's unit of
work commits."""

from __future__ import annotations

from lms import audit
from lms.errors import DomainError
from lms.extensions import db
from lms.policy import has_role
from lms.reports.models import ReportExport
from lms.roles import Role


class ReportError(DomainError):
    """A report cannot be produced as asked (for this person)."""

    status = 403


def record_unsuppressed_export(actor, described_filter: dict, *, channel: str, format: str) -> ReportExport:
    """Write the audit row for an export with exact figures; only administrators may take one.

    Raises ReportError for anyone else, so that no caller can forget the check.
    """
    if actor is None or not getattr(actor, "active", False) or not has_role(actor, Role.ADMIN):
        raise ReportError("Only an active administrator may export unsuppressed figures.")
    entry = ReportExport(
        actor_id=actor.id,
        actor_email=actor.email,
        channel=channel,
        format=format,
        filters=dict(described_filter),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        audit.Action.EXACT_EXPORT,
        actor=actor,
        details={"channel": channel, "format": format, "filters": entry.filters},
    )
    return entry
