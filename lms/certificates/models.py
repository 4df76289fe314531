"""Certificates and what administrators did to them."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import enum_column, utcnow
from lms.courses.models import Course
from lms.errors import DomainError
from lms.extensions import db


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certificate(db.Model):
    """One per learner and course, except that a re-issue supersedes the old one.

    What the certificate says (name, course title, version, hours, dates) is copied at issue,
    so that later edits to the account or the course do not change an issued certificate.
    """

    __tablename__ = "certificate"
    __table_args__ = (
        # At most one certificate per learner and course that is not superseded: enforced by
        # the database, so concurrent completions cannot issue two.
        Index(
            "uq_certificate_current",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=db.text("status != 'superseded'"),
            postgresql_where=db.text("status != 'superseded'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    status: Mapped[CertificateStatus] = enum_column(
        CertificateStatus, default=CertificateStatus.VALID, index=True
    )
    holder_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[str] = mapped_column(String(40))
    hours: Mapped[float]
    language: Mapped[str] = mapped_column(String(8))
    completed_at: Mapped[datetime]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    issuer_name: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(200), default="")
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    # The credential's bit in the Bitstring Status List (list = index // LIST_SIZE), drawn at
    # random at issue so that neighbouring bits say nothing about neighbouring learners. Every
    # certificate the services issue has one (the migration gave one to earlier certificates).
    status_index: Mapped[int | None] = mapped_column(unique=True)
    # OB 3.0 IdentityObject: a salted SHA-256 of the holder's email address at issue.
    identity_salt: Mapped[str] = mapped_column(String(32), default="", server_default="")
    identity_hash: Mapped[str] = mapped_column(String(80), default="", server_default="")

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()

    def __repr__(self) -> str:
        return f"<Certificate {self.code} {self.status}>"

    @property
    def is_valid(self) -> bool:
        return self.status is CertificateStatus.VALID

    @property
    def holder_withdrawn(self) -> bool:
        """The holder had their personal data erased (lms.privacy): the name is gone. A
        certificate is never issued without a name, so an empty one means exactly this."""
        return not self.holder_name

    def revoke(self, reason: str) -> None:
        """Withdraw a valid certificate; verification then shows it revoked, with `reason`."""
        if self.status is not CertificateStatus.VALID:
            raise CertificateStateError(_("Only a valid certificate can be revoked."))
        self.status = CertificateStatus.REVOKED
        self.revoked_reason = reason

    @property
    def status_bit(self) -> bool:
        """Set in the status list: revoked, or superseded by a re-issue (purpose `revocation`)."""
        return self.status is not CertificateStatus.VALID

    def reinstate(self) -> None:
        """Undo a revocation."""
        if self.status is not CertificateStatus.REVOKED:
            raise CertificateStateError(_("Only a revoked certificate can be reinstated."))
        self.status = CertificateStatus.VALID
        self.revoked_reason = None

    def supersede(self) -> None:
        """Mark as replaced by a re-issue (final). The caller then sets `superseded_by_id`: the
        old row must leave the one-current-certificate index before its successor is inserted."""
        if self.status is not CertificateStatus.VALID:
            raise CertificateStateError(_("Only a valid certificate can be re-issued."))
        self.status = CertificateStatus.SUPERSEDED


class CertificateStateError(DomainError):
    """The certificate is not in a state that allows this change; the message says why."""


class CertificateActionKind(enum.StrEnum):
    ISSUED = "issued"
    REVOKED = "revoked"
    REINSTATED = "reinstated"
    REISSUED = "reissued"


class CertificateAction(db.Model):
    """The audit trail: what happened to a certificate, who did it (None: the platform) and when."""

    __tablename__ = "certificate_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CertificateActionKind] = enum_column(CertificateActionKind)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
