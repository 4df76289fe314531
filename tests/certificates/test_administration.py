"""Administrators revoke, reinstate and re-issue certificates, browse the register and export it."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.certificates import export, queries
from lms.certificates.models import CertificateAction, CertificateActionKind, CertificateStatus
from tests import factories
from tests.certificates.conftest import complete_course


def admin_client(login, make_user):
    return login(make_user(role="admin", full_name="Admin Person"))


def test_revoke_needs_a_reason_and_is_recorded(client, login, make_user, certified, db):
    _user, cert = certified()
    admin = admin_client(login, make_user)
    refused = admin.submit(f"/admin/certificates/{cert.id}/revoke", {"reason": "  "})
    assert refused.status_code == 400 and "Please give the reason" in refused.get_data(as_text=True)
    done = admin.submit(f"/admin/certificates/{cert.id}/revoke", {"reason": "Issued by mistake."})
    assert done.status_code == 302
    db.session.refresh(cert)
    assert (cert.status, cert.revoked_reason) == (CertificateStatus.REVOKED, "Issued by mistake.")
    last = (
        db.session.execute(select(CertificateAction).order_by(CertificateAction.id.desc())).scalars().first()
    )
    assert last.kind is CertificateActionKind.REVOKED and last.actor.full_name == "Admin Person"
    assert "Issued by mistake." in admin.get(f"/admin/certificates/{cert.id}").get_data(as_text=True)


def test_reinstate_makes_it_valid_again(client, login, make_user, certified, db):
    _user, cert = certified()
    admin = admin_client(login, make_user)
    admin.submit(f"/admin/certificates/{cert.id}/revoke", {"reason": "Checking."})
    assert admin.submit(f"/admin/certificates/{cert.id}/reinstate").status_code == 302
    db.session.refresh(cert)
    assert cert.status is CertificateStatus.VALID and cert.revoked_reason is None


def test_reinstating_a_valid_certificate_is_refused(client, login, make_user, certified):
    _user, cert = certified()
    response = admin_client(login, make_user).submit(f"/admin/certificates/{cert.id}/reinstate")
    assert response.status_code == 400 and "Only a revoked certificate" in response.get_data(as_text=True)


def test_reissue_after_a_name_correction_supersedes_the_old_one(client, login, make_user, certified, db):
    user, old = certified(full_name="Fatma Zahra")
    user.full_name = "Fatima Al-Zahra"
    db.session.commit()
    admin = admin_client(login, make_user)
    response = admin.submit(f"/admin/certificates/{old.id}/reissue", {"reason": "Name corrected."})
    assert response.status_code == 302
    db.session.refresh(old)
    new = db.session.get(type(old), old.superseded_by_id)
    assert old.status is CertificateStatus.SUPERSEDED
    assert (new.holder_name, new.status, new.course_title) == (
        "Fatima Al-Zahra",
        CertificateStatus.VALID,
        old.course_title,
    )
    assert new.code != old.code
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Superseded." in page and new.code in page
    assert client.get(f"/verify/{old.code}.json").get_json()["superseded_by"] == new.code


def test_a_revoked_certificate_cannot_be_reissued(client, login, make_user, certified):
    _user, cert = certified()
    admin = admin_client(login, make_user)
    admin.submit(f"/admin/certificates/{cert.id}/revoke", {"reason": "Fraud."})
    response = admin.submit(f"/admin/certificates/{cert.id}/reissue")
    assert response.status_code == 400


def seed_register(db, small_course):
    """Three holders of different countries, genders and issue dates; one revoked."""
    other = factories.make_course("data-policy", modules=1, lessons=1, quiz=False, title="Data Policy")
    people = [
        factories.make_user(full_name="Ama Mensah", country="GH", gender="woman"),
        factories.make_user(full_name="=HYPERLINK(1)", country="KE", gender="man"),
        factories.make_user(full_name="Lê Văn Tám", country="VN", gender="man"),
    ]
    from lms.certificates.services import current_certificate, revoke

    certificates = []
    for index, person in enumerate(people):
        course = small_course if index < 2 else other
        complete_course(person, course)
        cert = current_certificate(person.id, course.id)
        cert.issued_at = datetime(2026, 3, 1 + index * 10, tzinfo=UTC).replace(tzinfo=None)
        certificates.append(cert)
    revoke(certificates[2], "Test.", people[0])
    db.session.commit()
    return certificates


def test_register_filters_by_course_dates_country_gender_and_status(
    client, login, make_user, db, small_course
):
    ama, kofi, tam = seed_register(db, small_course)
    admin = admin_client(login, make_user)

    def codes_for(**args):
        page = admin.get("/admin/certificates", query_string=args).get_data(as_text=True)
        return {cert.code for cert in (ama, kofi, tam) if cert.code in page}

    assert codes_for() == {ama.code, kofi.code, tam.code}
    assert codes_for(course="ict-basics") == {ama.code, kofi.code}
    assert codes_for(since="2026-03-05", until="2026-03-15") == {kofi.code}
    assert codes_for(country="gh") == {ama.code}
    assert codes_for(gender="man") == {kofi.code, tam.code}
    assert codes_for(status="revoked") == {tam.code}


def test_register_rejects_an_inverted_date_range(client, login, make_user, app_context):
    response = admin_client(login, make_user).get("/admin/certificates?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400 and "before the start date" in response.get_data(as_text=True)


def test_register_is_paginated(app, client, login, make_user, db, small_course):
    seed_register(db, small_course)
    app.config["CERTIFICATES_PER_PAGE"] = 2
    try:
        page = admin_client(login, make_user).get("/admin/certificates").get_data(as_text=True)
    finally:
        app.config["CERTIFICATES_PER_PAGE"] = 50
    assert "Page 1 of 2" in page


def test_register_csv_is_safe_and_complete(client, login, make_user, db, small_course):
    seed_register(db, small_course)
    response = admin_client(login, make_user).get("/admin/certificates.csv?course=ict-basics")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == queries.REGISTER_HEADER
    names = {row[2] for row in rows[1:]}
    assert names == {"Ama Mensah", "'=HYPERLINK(1)"}


def test_zip_export_holds_the_pdfs_and_the_register(client, login, make_user, db, small_course):
    ama, kofi, _tam = seed_register(db, small_course)
    admin = admin_client(login, make_user)
    job_page = admin.submit("/admin/certificates/export?course=ict-basics").headers["Location"]
    response = admin.get(f"{job_page}/download")  # the job ran in-process: no broker in tests
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    assert archive.testzip() is None
    names = set(archive.namelist())
    assert {
        f"certificates/ict-basics/{ama.code}.pdf",
        f"certificates/ict-basics/{kofi.code}.pdf",
        "register.csv",
    } == names
    register = archive.read("register.csv").decode("utf-8-sig").splitlines()
    assert len(register) == 3


def test_zip_export_of_nothing_explains_itself(client, login, make_user, db, small_course):
    seed_register(db, small_course)
    admin = admin_client(login, make_user)
    response = admin.submit("/admin/certificates/export?country=FR")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "nothing to export" in page


def test_zip_chunks_streams_and_an_empty_archive_is_valid(app_context):
    chunks = list(export.zip_chunks([], lambda cert: b"", empty_note="Nothing matched.\n"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.read("register.csv").decode("utf-8-sig").strip() == ",".join(queries.REGISTER_HEADER)
    assert archive.read("README.txt") == b"Nothing matched.\n"


def test_zip_chunks_yields_one_piece_per_certificate(db, small_course):
    certificates = seed_register(db, small_course)
    pieces = list(export.zip_chunks(certificates, lambda cert: b"%PDF-" + b"x" * 50_000))
    assert len(pieces) >= len(certificates) + 1
    assert max(len(piece) for piece in pieces) < 60_000  # never the whole archive at once


def test_cli_export_writes_an_archive_with_register(app, runner, db, small_course, tmp_path):
    seed_register(db, small_course)
    out = tmp_path / "export.zip"
    result = runner.invoke(
        args=["certificates", "export", "--course", "ict-basics", "--since", "2026-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Exported 2 certificate(s)" in result.output
    names = zipfile.ZipFile(out).namelist()
    assert "register.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 2
    pdf = zipfile.ZipFile(out).read(next(n for n in names if n.endswith(".pdf")))
    assert b"127.0.0.1:5000/verify/" in pdf or pdf.startswith(b"%PDF")


def test_cli_export_of_nothing_writes_an_empty_archive_and_says_so(runner, db, small_course, tmp_path):
    out = tmp_path / "none.zip"
    future = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    result = runner.invoke(args=["certificates", "export", "--since", future, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "No certificate matches" in result.output
    assert zipfile.ZipFile(out).read("register.csv").decode("utf-8-sig").startswith("code,status")


def test_cli_export_refuses_an_unknown_course_and_writes_nothing(runner, app_context, tmp_path):
    out = tmp_path / "x.zip"
    result = runner.invoke(args=["certificates", "export", "--course", "nope", "--out", str(out)])
    assert result.exit_code != 0 and "no course has the slug" in result.output
    assert not out.exists() and not (tmp_path / "x.zip.part").exists()
