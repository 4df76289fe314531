"""The audit log's rows, and the database triggers that keep it append-only.

`audit_entry` names people by id only (no name, no email): a person who withdraws their personal
data leaves entries that say "account 42" and nothing more, and the rows never need rewriting.
The ids carry no foreign key on purpose: the log must outlive, unchanged, whatever it mentions.
`action` is a plain string (checked against `Action` in Python, not by a CHECK constraint), so
that a new kind of entry needs no migration of a table that cannot be altered row by row.

Triggers refuse every UPDATE and every DELETE (and, on PostgreSQL, TRUNCATE) of `audit_entry`,
except a DELETE of rows older than a permit: the retention purge (lms.audit.purge) inserts an
`audit_purge` row naming the cutoff, deletes, and removes the permit in the same transaction, so
no other connection ever sees it. Anyone who can run DDL can still drop the triggers; this guards
against the application's own bugs and against a web-reachable path rewriting history.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, JSON, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from lms.columns import utcnow
from lms.extensions import db


class Action(enum.StrEnum):
    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "sign-in-failed"
    SIGN_OUT = "sign-out"
    PASSWORD_CHANGED = "password-changed"  # noqa: S105 (an action name, not a password)
    PASSWORD_RESET = "password-reset"  # noqa: S105
    ROLE_CHANGED = "role-changed"
    ACCOUNT_ACTIVATED = "account-activated"
    ACCOUNT_DEACTIVATED = "account-deactivated"
    COHORT_UPLOADED = "cohort-uploaded"
    EXACT_EXPORT = "exact-export"
    CERTIFICATE_REVOKED = "certificate-revoked"
    CERTIFICATE_REINSTATED = "certificate-reinstated"
    CERTIFICATE_REISSUED = "certificate-reissued"
    COURSE_PUBLISHED = "course-published"
    COURSE_WITHDRAWN = "course-withdrawn"
    BACKUP_CREATED = "backup-created"
    BACKUP_RESTORED = "backup-restored"
    PERSONAL_DATA_EXPORTED = "personal-data-exported"
    ACCOUNT_DELETED = "account-deleted"
    AUDIT_EXPORTED = "audit-exported"
    AUDIT_PURGED = "audit-purged"
    DISCUSSION_POST_HIDDEN = "discussion-post-hidden"
    DISCUSSION_POST_RESTORED = "discussion-post-restored"
    DISCUSSION_POST_APPROVED = "discussion-post-approved"
    DISCUSSION_THREAD_LOCKED = "discussion-thread-locked"
    DISCUSSION_THREAD_UNLOCKED = "discussion-thread-unlocked"
    NEWSLETTER_SENT = "newsletter-sent"
    HUB_CHANGES_REQUESTED = "hub-changes-requested"
    HUB_SUBMISSION_ACCEPTED = "hub-submission-accepted"
    HUB_SUBMISSION_PUBLISHED = "hub-submission-published"
    HUB_SUBMISSION_REJECTED = "hub-submission-rejected"
    HUB_EDITOR_GRANTED = "hub-editor-granted"
    HUB_EDITOR_REVOKED = "hub-editor-revoked"
    HUB_BRIEF_PUBLISHED = "hub-brief-published"


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # who did it; None: the platform or a command
    subject_id: Mapped[int | None] = mapped_column(index=True)  # the person it is about, if any
    address: Mapped[str | None] = mapped_column(String(45))  # the client's IP address; None: not the web
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # ids, codes and roles; never free text

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


class AuditPurge(db.Model):
    """A permit to delete audit entries older than `before`: exists only inside the purge's
    transaction (see the module docstring)."""

    __tablename__ = "audit_purge"

    id: Mapped[int] = mapped_column(primary_key=True)
    before: Mapped[datetime]


# The same statements are in the migration that created the tables (migrations are frozen);
# DDL() formats its text, hence %% for a literal %.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
WHEN NOT EXISTS (SELECT 1 FROM audit_purge WHERE old.at < audit_purge.before)
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: only the retention purge deletes'); END""",
)
POSTGRESQL_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purge WHERE OLD.at < audit_purge.before) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: %% refused', TG_OP;
END $$""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
