"""Reads shared by the register page, its CSV, the ZIP export and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Gender, User
from lms.certificates.models import Certificate, CertificateAction, CertificateActionKind, CertificateStatus
from lms.courses.models import Course
from lms.extensions import db


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to; empty values mean "any"."""

    course: str = ""  # slug
    since: date | None = None  # issued on or after
    until: date | None = None  # issued on or before
    country: str = ""
    gender: str = ""
    status: str = ""


def register_query(criteria: RegisterFilter) -> Select:
    """Certificates matching `criteria`, newest first, with holder and course loaded."""
    query = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .options(joinedload(Certificate.user), joinedload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if criteria.course:
        query = query.join(Course, Course.id == Certificate.course_id).where(Course.slug == criteria.course)
    if criteria.since:
        query = query.where(Certificate.issued_at >= datetime.combine(criteria.since, time.min))
    if criteria.until:
        query = query.where(
            Certificate.issued_at < datetime.combine(criteria.until + timedelta(days=1), time.min)
        )
    if criteria.country:
        query = query.where(User.country == criteria.country.upper())
    if criteria.gender in {g.value for g in Gender}:
        query = query.where(User.gender == Gender(criteria.gender))
    if criteria.status in {s.value for s in CertificateStatus}:
        query = query.where(Certificate.status == CertificateStatus(criteria.status))
    return query


def iter_register(criteria: RegisterFilter, batch: int = 200) -> Iterator[Certificate]:
    """Stream matching certificates in batches, so exports of any size keep memory flat.

    Rows are read by keyset pages (issued_at, id) in separate short queries rather than one
    server-side cursor, which works the same on SQLite and PostgreSQL. The session's identity
    map holds unmodified objects weakly, so each batch is freed once the caller lets go of it.
    """
    last: tuple[datetime, int] | None = None
    while True:
        query = register_query(criteria).limit(batch)
        if last is not None:
            issued_at, ident = last
            query = query.where(
                (Certificate.issued_at < issued_at)
                | ((Certificate.issued_at == issued_at) & (Certificate.id < ident))
            )
        rows = list(db.session.execute(query).unique().scalars())
        if not rows:
            return
        yield from rows
        last = (rows[-1].issued_at, rows[-1].id)
        del rows


def count_register(criteria: RegisterFilter) -> int:
    subquery = register_query(criteria).with_only_columns(Certificate.id).order_by(None).subquery()
    return db.session.execute(select(func.count()).select_from(subquery)).scalar_one()


REGISTER_HEADER = [
    "code",
    "status",
    "holder_name",
    "course_slug",
    "course_title",
    "course_version",
    "hours",
    "completed_at",
    "issued_at",
    "issuer",
    "country",
    "gender",
    "superseded_by",
    "revoked_reason",
]


def register_row(cert: Certificate, successor_codes: dict[int, str] | None = None) -> list:
    successor = ""
    if cert.superseded_by_id:
        successor = (successor_codes or {}).get(cert.superseded_by_id) or _code_of(cert.superseded_by_id)
    return [
        cert.code,
        cert.status.value,
        cert.holder_name,
        cert.course.slug,
        cert.course_title,
        cert.course_version,
        cert.hours,
        cert.completed_at.isoformat(timespec="seconds"),
        cert.issued_at.isoformat(timespec="seconds"),
        cert.issuer_name,
        cert.user.country or "",
        cert.user.gender.value,
        successor,
        cert.revoked_reason or "",
    ]


def _code_of(certificate_id: int) -> str:
    return (
        db.session.execute(
            select(Certificate.code).where(Certificate.id == certificate_id)
        ).scalar_one_or_none()
        or ""
    )


def certificates_of(user_id: int) -> list[Certificate]:
    """A learner's certificates, current ones first, newest first."""
    return list(
        db.session.execute(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.status == CertificateStatus.SUPERSEDED, Certificate.issued_at.desc())
        ).scalars()
    )


def by_code(code: str) -> Certificate | None:
    return db.session.execute(select(Certificate).where(Certificate.code == code)).scalar_one_or_none()


def history(certificate_id: int) -> list[CertificateAction]:
    return list(
        db.session.execute(
            select(CertificateAction)
            .where(CertificateAction.certificate_id == certificate_id)
            .options(joinedload(CertificateAction.actor))
            .order_by(CertificateAction.at, CertificateAction.id)
        ).scalars()
    )


def courses_with_certificates() -> list[Course]:
    return list(
        db.session.execute(
            select(Course)
            .where(Course.id.in_(select(Certificate.course_id).distinct()))
            .order_by(Course.title)
        ).scalars()
    )


def status_bits(list_number: int, size: int) -> set[int]:
    """Indexes within status list `list_number` whose bit is set: certificates that are not
    valid (revoked, or superseded by a re-issue)."""
    start = list_number * size
    rows = db.session.execute(
        select(Certificate.status_index).where(
            Certificate.status_index >= start,
            Certificate.status_index < start + size,
            Certificate.status != CertificateStatus.VALID,
        )
    ).scalars()
    return {index - start for index in rows}


def last_status_change() -> datetime | None:
    """When a certificate last changed status (revoked, reinstated, re-issued): the status
    lists' `validFrom`, so that the same state always gives the same signed list."""
    return db.session.execute(
        select(func.max(CertificateAction.at)).where(
            CertificateAction.kind.in_(
                [
                    CertificateActionKind.REVOKED,
                    CertificateActionKind.REINSTATED,
                    CertificateActionKind.REISSUED,
                ]
            )
        )
    ).scalar_one()
