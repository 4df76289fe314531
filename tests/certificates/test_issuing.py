"""Completing a course issues exactly one certificate, which records the facts as they stood."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.certificates import codes, services
from lms.certificates.models import Certificate, CertificateAction, CertificateActionKind, CertificateStatus
from lms.enrolment.models import Enrolment
from tests import factories
from tests.certificates.conftest import complete_course


def count(db) -> int:
    return db.session.execute(select(func.count()).select_from(Certificate)).scalar_one()


def test_completing_a_course_issues_a_certificate_with_the_facts_of_the_day(app, db, small_course):
    app.config.update(CERTIFICATE_ISSUER="Centre for ICT", CERTIFICATE_SIGNATORY="Dr A. Diallo")
    try:
        user = factories.make_user(full_name="Nguyễn Thị Phương")
        enrolment = complete_course(user, small_course)
        db.session.commit()
    finally:
        app.config.update(CERTIFICATE_ISSUER=app.config["SITE_NAME"], CERTIFICATE_SIGNATORY="")
    cert = services.current_certificate(user.id, small_course.id)
    assert cert is not None and cert.status is CertificateStatus.VALID
    assert (cert.holder_name, cert.course_title, cert.course_version, cert.hours, cert.language) == (
        "Nguyễn Thị Phương",
        "ICT Basics for Lecturers",
        enrolment.completed_version,
        small_course.hours,
        "en",
    )
    assert (cert.issuer_name, cert.signatory) == ("Centre for ICT", "Dr A. Diallo")
    assert cert.completed_at == enrolment.completed_at
    assert codes.normalise(cert.code) == cert.code


def test_later_edits_do_not_change_an_issued_certificate(db, certified, small_course):
    user, cert = certified(full_name="Amina Diallo")
    user.full_name = "Someone Else"
    small_course.title = "A new title"
    db.session.commit()
    db.session.refresh(cert)
    assert (cert.holder_name, cert.course_title) == ("Amina Diallo", "ICT Basics for Lecturers")


def test_issuing_is_idempotent(db, certified):
    user, cert = certified()
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.user_id == user.id)).scalar_one()
    assert services.issue_for_enrolment(enrolment).id == cert.id
    assert count(db) == 1


def test_the_database_refuses_a_second_current_certificate(db, certified):
    _user, cert = certified()
    twin = Certificate(
        code=codes.new_code(),
        user_id=cert.user_id,
        course_id=cert.course_id,
        holder_name="x",
        course_title="x",
        course_version="1",
        hours=1,
        language="en",
        completed_at=cert.completed_at,
        issuer_name="x",
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_lost_race_keeps_the_completing_request_usable(db, certified, small_course, monkeypatch):
    """Another request inserted the certificate between our check and our insert: our savepoint
    rolls back, we return theirs, and the rest of our transaction still commits."""
    user, theirs = certified()
    enrolment = db.session.execute(select(Enrolment).where(Enrolment.user_id == user.id)).scalar_one()
    answers = iter([None])
    real = services.current_certificate
    monkeypatch.setattr(services, "current_certificate", lambda u, c: next(answers, None) or real(u, c))
    enrolment.last_activity_at = None  # a change of the completing request that must survive
    assert services.issue_for_enrolment(enrolment).id == theirs.id
    db.session.commit()
    assert count(db) == 1
    assert db.session.get(Enrolment, enrolment.id).last_activity_at is None


def test_issue_is_recorded_in_the_audit_trail(db, certified):
    _user, cert = certified()
    actions = db.session.execute(select(CertificateAction)).scalars().all()
    assert [(a.certificate_id, a.kind, a.actor_id) for a in actions] == [
        (cert.id, CertificateActionKind.ISSUED, None)
    ]


def test_completing_through_the_lesson_page_issues_the_certificate(client, login, db, small_course):
    user = factories.make_user()
    factories.enrol(user, small_course)
    db.session.commit()
    login(user)
    for lesson in small_course.lessons:
        response = client.submit(f"/courses/ict-basics/lessons/{lesson.slug}/complete")
        assert response.status_code == 302
    assert services.current_certificate(user.id, small_course.id) is not None
    assert count(db) == 1


def test_concurrent_completions_issue_one_certificate(app, db, small_course):
    """Two requests issue at once on PostgreSQL: the second waits on the unique index, loses,
    and returns the first one's certificate without failing its own transaction."""
    import threading

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite serialises whole transactions, so there is no race")
    user = factories.make_user()
    enrolment = complete_course(user, small_course)
    # Completion issued a certificate already; remove it to stage the race on issuing alone.
    db.session.execute(db.delete(CertificateAction))
    db.session.execute(db.delete(Certificate))
    db.session.commit()
    enrolment_id = enrolment.id
    first_flushed, release_first = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def issue(label: str, hold: bool) -> None:
        with app.app_context():
            mine = db.session.get(Enrolment, enrolment_id)
            cert = services.issue_for_enrolment(mine)
            results[label] = cert.code
            if hold:
                first_flushed.set()
                release_first.wait(10)
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=issue, args=("first", True))
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=issue, args=("second", False))
    second.start()
    second.join(0.5)  # blocked on the index until the first commits
    release_first.set()
    first.join(10)
    second.join(10)
    assert results["first"] == results["second"]
    assert count(db) == 1
