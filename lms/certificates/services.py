"""Issuing, revoking, reinstating and re-issuing certificates. Functions flush; the caller commits.

Issuing is driven by `lms.learning.events.course_completed` and runs inside the completing
request's transaction. The partial unique index `uq_certificate_current` allows one current
(not superseded) certificate per learner and course; the insert runs in a savepoint, so when a
concurrent request wins the race the loser's savepoint is rolled back and the completing request
carries on with the winner's certificate.
"""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import audit
from lms.accounts.models import User
from lms.certificates import codes, credential, statuslist
from lms.certificates.models import (
    Certificate,
    CertificateAction,
    CertificateActionKind,
    CertificateStateError,
    CertificateStatus,
)
from lms.columns import utcnow
from lms.courses.models import Course
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.links import absolute_url
from lms.notifications.models import Kind
from lms.notifications.services import notify
from lms.typography.coverage import uncovered_characters

CertificateError = CertificateStateError  # the one error callers catch; messages are for people

_CODE_ATTEMPTS = 8  # codes (80 random bits) do not collide; status indexes may, rarely


def _status_index_space() -> int:
    """How many status indexes to draw from: whole lists, kept at most a quarter full, so a
    random draw collides with an issued index at most one time in four (and is retried)."""
    issued = db.session.execute(select(func.count(Certificate.id))).scalar_one()
    return statuslist.LIST_SIZE * (1 + issued // (statuslist.LIST_SIZE // 4))


def _identity(user: User) -> dict:
    salt = credential.new_identity_salt()
    return {"identity_salt": salt, "identity_hash": credential.identity_hash(user.email, salt)}


def _new_certificate(**facts) -> Certificate:
    """A certificate with a fresh code and status index; inserted in a savepoint by the caller,
    which retries on an IntegrityError (a collision of either)."""
    return Certificate(code=codes.new_code(), status_index=_draw_status_index(), **facts)


def _draw_status_index() -> int:
    return secrets.randbelow(_status_index_space())


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's valid or revoked certificate for the course (not a superseded one)."""
    return db.session.execute(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.status != CertificateStatus.SUPERSEDED,
        )
    ).scalar_one_or_none()


def issue_for_enrolment(enrolment: Enrolment) -> Certificate:
    """Issue the certificate for a completed enrolment, or return the one already issued.

    Idempotent and safe under concurrent requests (see the module docstring). The certificate
    copies the learner's name, the course's title and hours and the completed version now, so
    later edits do not change it.
    """
    existing = current_certificate(enrolment.user_id, enrolment.course_id)
    if existing is not None:
        return existing
    user = db.session.get(User, enrolment.user_id)
    course = db.session.get(Course, enrolment.course_id)
    config = current_app.config
    for _attempt in range(_CODE_ATTEMPTS):
        certificate = _new_certificate(
            user_id=user.id,
            course_id=course.id,
            status=CertificateStatus.VALID,
            holder_name=user.full_name,
            course_title=course.title,
            course_version=enrolment.completed_version or course.version,
            hours=course.hours,
            language=course.language,
            completed_at=enrolment.completed_at or utcnow(),
            issued_at=utcnow(),
            issuer_name=config["CERTIFICATE_ISSUER"],
            signatory=config["CERTIFICATE_SIGNATORY"],
            **_identity(user),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            existing = current_certificate(enrolment.user_id, enrolment.course_id)
            if existing is not None:  # a concurrent request issued it first
                return existing
            continue  # the code or the status index collided: draw others
        _record(certificate, CertificateActionKind.ISSUED, None)
        return certificate
    raise RuntimeError("could not draw an unused certificate code and status index")


def on_course_completed(enrolment: Enrolment, **extra) -> None:
    """Receiver of `course_completed` (sender is the Enrolment): issue, then tell the learner
    (once per certificate) with the public verification link."""
    certificate = issue_for_enrolment(enrolment)
    user = db.session.get(User, enrolment.user_id)
    notify(
        user,
        Kind.CERTIFICATE,
        f"certificate:{certificate.id}",
        _l("Your certificate for “%(course)s”", course=certificate.course_title),
        _l(
            "Congratulations: you completed “%(course)s”. Your certificate is on your certificates "
            "page; anyone can check it at this address:",
            course=certificate.course_title,
        ),
        absolute_url("certificates.verify_code", code=certificate.code),
    )


def revoke(certificate: Certificate, reason: str, actor: User) -> None:
    """Revoke with a reason shown on the public verification page. Raises CertificateError."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(_("Please give the reason for revoking this certificate."))
    certificate.revoke(reason)
    _record(certificate, CertificateActionKind.REVOKED, actor, reason)
    _audit(audit.Action.CERTIFICATE_REVOKED, certificate, actor)


def reinstate(certificate: Certificate, actor: User, reason: str = "") -> None:
    """Make a revoked certificate valid again. Raises CertificateError."""
    certificate.reinstate()
    _record(certificate, CertificateActionKind.REINSTATED, actor, reason)
    _audit(audit.Action.CERTIFICATE_REINSTATED, certificate, actor)


def reissue(certificate: Certificate, actor: User, reason: str = "") -> Certificate:
    """Issue a new certificate with the holder's current name; the old one is superseded.

    For name corrections: everything else (course, version, hours, completion date) is copied
    from the old certificate. Only a valid certificate can be re-issued. Raises CertificateError.
    """
    holder = db.session.get(User, certificate.user_id)
    if certificate.status is not CertificateStatus.VALID:
        raise CertificateError(_("Only a valid certificate can be re-issued."))
    if certificate.holder_withdrawn:
        raise CertificateError(_("The holder has withdrawn their personal data: there is no name to print."))
    missing = uncovered_characters(holder.full_name)
    if missing:
        raise CertificateError(
            _(
                "The holder's name contains characters no certificate font can print: %(chars)s.",
                chars=" ".join(missing),
            )  # fmt: skip
        )
    certificate.supersede()
    db.session.flush()
    for _attempt in range(_CODE_ATTEMPTS):
        successor = _successor(certificate, holder)
        try:
            with db.session.begin_nested():
                db.session.add(successor)
                db.session.flush()
        except IntegrityError:
            continue  # the code or the status index collided: draw others
        break
    else:
        raise RuntimeError("could not draw an unused certificate code and status index")
    certificate.superseded_by_id = successor.id
    _record(certificate, CertificateActionKind.REISSUED, actor, reason)
    _record(successor, CertificateActionKind.ISSUED, actor, reason)
    _audit(audit.Action.CERTIFICATE_REISSUED, certificate, actor, successor=successor.code)
    return successor


def _successor(certificate: Certificate, holder: User) -> Certificate:
    return _new_certificate(
        user_id=certificate.user_id,
        course_id=certificate.course_id,
        status=CertificateStatus.VALID,
        holder_name=holder.full_name,
        course_title=certificate.course_title,
        course_version=certificate.course_version,
        hours=certificate.hours,
        language=certificate.language,
        completed_at=certificate.completed_at,
        issued_at=utcnow(),
        issuer_name=current_app.config["CERTIFICATE_ISSUER"],
        signatory=current_app.config["CERTIFICATE_SIGNATORY"],
        **_identity(holder),
    )


def _audit(action: audit.Action, certificate: Certificate, actor: User | None, **details) -> None:
    """The audit log names the certificate by code; the reason (free text) stays in its history."""
    audit.record(
        action, subject=certificate.user_id, actor=actor, details={"certificate": certificate.code, **details}
    )


def _record(
    certificate: Certificate, kind: CertificateActionKind, actor: User | None, reason: str = ""
) -> None:
    db.session.add(
        CertificateAction(
            certificate_id=certificate.id,
            kind=kind,
            actor_id=actor.id if actor is not None else None,
            reason=reason or "",
            at=utcnow(),
        )
    )
    db.session.flush()
