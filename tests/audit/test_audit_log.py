"""The audit log: what is recorded, that it cannot be rewritten, and the administrators' page."""

from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from lms import audit
from lms.audit.models import Action, AuditEntry
from lms.columns import utcnow
from lms.roles import Role
from tests import factories
from tests.certificates.conftest import complete_course


def entries(db, action: Action | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action.value)
    return list(db.session.execute(query).scalars())


def test_sign_in_and_sign_out_are_recorded_with_the_client_address(client, login, make_user, db):
    user = make_user()
    login(user)
    client.submit("/logout")
    signed_in, signed_out = entries(db, Action.SIGN_IN), entries(db, Action.SIGN_OUT)
    assert [(e.actor_id, e.subject_id, e.address) for e in signed_in] == [(user.id, user.id, "127.0.0.1")]
    assert [(e.actor_id, e.subject_id) for e in signed_out] == [(user.id, user.id)]


def test_a_failed_sign_in_is_recorded_although_its_page_rolls_back(client, make_user, db):
    user = make_user(email="known@example.org")
    wrong = client.submit("/login", {"email": "known@example.org", "password": "not the password"})
    unknown = client.submit("/login", {"email": "stranger@example.org", "password": "a guess of a password"})
    assert wrong.status_code == unknown.status_code == 400
    failed = entries(db, Action.SIGN_IN_FAILED)
    assert [(e.subject_id, e.actor_id, e.details) for e in failed] == [
        (user.id, None, {"reason": "credentials"}),
        (None, None, {"reason": "credentials"}),
    ]
    # What was typed is not kept anywhere in the row.
    assert all("stranger" not in repr((e.details, e.address)) for e in failed)


def test_a_deactivated_account_signing_in_is_recorded_with_the_reason(client, make_user, db):
    user = make_user(active=False)
    client.submit("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert [(e.subject_id, e.details) for e in entries(db, Action.SIGN_IN_FAILED)] == [
        (user.id, {"reason": "deactivated"})
    ]


def test_the_address_comes_from_the_proxy_only_when_proxies_are_trusted(make_app, make_user, db):
    user = make_user()
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        application = make_app(TRUSTED_PROXIES=proxies)
        client = application.test_client()
        client.submit(
            "/login",
            {"email": user.email, "password": "not the password"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert entries(db, Action.SIGN_IN_FAILED)[-1].address == expected


def test_addresses_and_people_never_reach_the_application_log(client, make_user, db, caplog):
    user = make_user(email="quiet@example.org")
    with caplog.at_level(logging.DEBUG):
        client.submit("/login", {"email": user.email, "password": "not the password"})
    assert entries(db, Action.SIGN_IN_FAILED)
    assert "127.0.0.1" not in caplog.text and "quiet@example.org" not in caplog.text


def test_password_change_and_reset_are_recorded(client, login, make_user, db):
    from lms.accounts.tokens import make_reset_token

    user = make_user()
    login(user)
    changed = client.submit(
        "/account/password",
        {"current_password": factories.DEFAULT_PASSWORD, "password": "another long passphrase"},
    )
    assert changed.status_code == 302
    db.session.expire_all()
    token = make_reset_token(db.session.get(type(user), user.id))
    assert (
        client.submit(f"/password/reset/{token}", {"password": "a third long passphrase"}).status_code == 302
    )
    assert [e.subject_id for e in entries(db, Action.PASSWORD_CHANGED)] == [user.id]
    assert [e.subject_id for e in entries(db, Action.PASSWORD_RESET)] == [user.id]


def test_a_refused_password_change_records_nothing(client, login, make_user, db):
    user = make_user()
    login(user)
    refused = client.submit(
        "/account/password", {"current_password": "not it at all", "password": "another long passphrase"}
    )
    assert refused.status_code == 400
    assert entries(db, Action.PASSWORD_CHANGED) == []


def test_role_change_and_deactivation_name_the_administrator_and_the_person(client, login, make_user, db):
    admin = make_user(role=Role.ADMIN)
    person = make_user()
    login(admin)
    client.submit(f"/admin/users/{person.id}", {"role": "trainer", "active": "y"})
    client.submit(f"/admin/users/{person.id}", {"role": "trainer"})  # unticked: deactivated
    client.submit(f"/admin/users/{person.id}", {"role": "trainer"})  # no change: nothing recorded
    client.submit(f"/admin/users/{person.id}", {"role": "trainer", "active": "y"})
    role = entries(db, Action.ROLE_CHANGED)
    assert [(e.actor_id, e.subject_id, e.details) for e in role] == [
        (admin.id, person.id, {"from": "learner", "to": "trainer"})
    ]
    assert [e.subject_id for e in entries(db, Action.ACCOUNT_DEACTIVATED)] == [person.id]
    assert [e.subject_id for e in entries(db, Action.ACCOUNT_ACTIVATED)] == [person.id]


def test_the_users_command_records_a_role_change_without_an_actor(runner, make_user, db):
    person = make_user()
    result = runner.invoke(args=["users", "set-role", "--email", person.email, "--role", "admin"])
    assert result.exit_code == 0, result.output
    [entry] = entries(db, Action.ROLE_CHANGED)
    assert (entry.actor_id, entry.subject_id, entry.address) == (None, person.id, None)


def test_a_cohort_upload_is_recorded_once_and_a_refused_one_not_at_all(client, login, make_user, db):
    factories.make_course("open")
    admin = make_user(role=Role.ADMIN)
    login(admin)
    header = "email,full_name,gender,country,institution,profile_role\n"

    def upload(body: str):
        data = {"file": (io.BytesIO((header + body).encode()), "cohort.csv")}
        return client.submit("/admin/courses/open/cohort", data, content_type="multipart/form-data")

    assert upload("a@example.org,Ama Owusu,woman,GH,UG,faculty\n").status_code == 302
    assert upload("not an email,Ama Owusu,woman,GH,UG,faculty\n").status_code == 400
    [entry] = entries(db, Action.COHORT_UPLOADED)
    assert entry.actor_id == admin.id
    assert entry.details["rows"] == 1 and entry.details["new_accounts"] == 1


def test_certificate_revoke_reinstate_and_reissue_are_recorded(client, login, make_user, db):
    course = factories.make_course("cert", modules=1, lessons=1, quiz=False)
    holder = factories.make_user()
    complete_course(holder, course)
    admin = make_user(role=Role.ADMIN)
    from lms.certificates.services import current_certificate

    certificate = current_certificate(holder.id, course.id)
    code = certificate.code
    login(admin)
    assert (
        client.submit(f"/admin/certificates/{certificate.id}/revoke", {"reason": "Mistake"}).status_code
        == 302
    )
    assert client.submit(f"/admin/certificates/{certificate.id}/reinstate", {"reason": ""}).status_code == 302
    assert client.submit(f"/admin/certificates/{certificate.id}/reissue", {"reason": ""}).status_code == 302
    done = [
        (e.action, e.subject_id, e.details["certificate"])
        for e in entries(db)
        if e.action.startswith("certificate")
    ]
    assert done == [
        ("certificate-revoked", holder.id, code),
        ("certificate-reinstated", holder.id, code),
        ("certificate-reissued", holder.id, code),
    ]
    assert "Mistake" not in repr([e.details for e in entries(db)])  # the reason stays in its history


def test_publishing_and_withdrawing_a_course_are_recorded(client, login, make_user, db):
    from tests.authoring.helpers import build_draft

    trainer = make_user(role=Role.TRAINER)
    draft = build_draft(trainer)
    db.session.commit()
    login(trainer)
    assert client.submit(f"/authoring/{draft.slug}/publish").status_code == 302
    assert client.submit(f"/authoring/{draft.slug}/withdraw").status_code == 302
    published, withdrawn = entries(db, Action.COURSE_PUBLISHED), entries(db, Action.COURSE_WITHDRAWN)
    assert [(e.actor_id, e.details["course"]) for e in published] == [(trainer.id, draft.course_id)]
    assert [(e.actor_id, e.details["course"]) for e in withdrawn] == [(trainer.id, draft.course_id)]


def test_an_exact_export_is_recorded(client, login, make_user, db):
    factories.make_course("open")
    admin = make_user(role=Role.ADMIN)
    login(admin)
    assert client.submit("/reports/participation/exact.csv?country=UG").status_code == 200
    [entry] = entries(db, Action.EXACT_EXPORT)
    assert entry.actor_id == admin.id and entry.details["filters"] == {"country": "UG"}


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        audit.record("made-up-action")


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def one_entry(db):
    audit.record(Action.SIGN_IN, subject=1, actor=1)
    db.session.commit()
    return entries(db)[0]


def test_the_database_refuses_to_update_an_entry(db, one_entry):
    with pytest.raises(DBAPIError):
        db.session.execute(update(AuditEntry).values(action="sign-out"))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_entry SET address = '10.0.0.1'"))
    db.session.rollback()
    assert entries(db)[0].action == "sign-in"


def test_the_database_refuses_to_delete_or_truncate_an_entry(db, one_entry):
    statements = [delete(AuditEntry), text("DELETE FROM audit_entry")]
    if db.engine.dialect.name == "postgresql":  # SQLite has no TRUNCATE
        statements.append(text("TRUNCATE audit_entry"))
    for statement in statements:
        with pytest.raises(DBAPIError):
            db.session.execute(statement)
        db.session.rollback()
    assert len(entries(db)) == 1


def test_purge_deletes_only_entries_older_than_the_retention_and_says_so(db):
    now = utcnow()
    for days in (800, 731, 10):
        db.session.add(AuditEntry(at=now - timedelta(days=days), action="sign-in", details={}))
    db.session.commit()
    assert audit.purge(730) == 2
    db.session.commit()
    left = entries(db)
    assert [e.action for e in left] == ["sign-in", "audit-purged"]
    assert left[1].details["deleted"] == 2
    # The permit did not outlive the purge: deleting is refused again.
    with pytest.raises(DBAPIError):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()


def test_the_purge_command_uses_the_configured_retention(app, runner, db, monkeypatch):
    db.session.add(AuditEntry(at=utcnow() - timedelta(days=40), action="sign-in", details={}))
    db.session.commit()
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 60)
    assert "Deleted 0 " in runner.invoke(args=["audit", "purge"]).output
    result = runner.invoke(args=["audit", "purge", "--older-than", "30"])
    assert result.exit_code == 0 and "Deleted 1 " in result.output
    assert runner.invoke(args=["audit", "purge", "--older-than", "0"]).exit_code != 0


# --- the administrators' page --------------------------------------------------------------


@pytest.fixture
def admin_client(client, login, make_user):
    return login(make_user(role=Role.ADMIN, full_name="Audit Admin"))


def test_the_page_filters_by_person_without_putting_them_in_the_url(admin_client, make_user, db):
    one, two = make_user(full_name="Nomvula Dlamini"), make_user(full_name="Tevita Fifita")
    audit.record(Action.ROLE_CHANGED, subject=one, actor=None, details={"from": "learner", "to": "trainer"})
    audit.record(Action.ACCOUNT_DEACTIVATED, subject=two, actor=None)
    db.session.commit()
    response = admin_client.submit("/admin/audit", {"person": one.email.upper()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/audit")
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Nomvula Dlamini" in page and "Tevita Fifita" not in page and "<td>Role changed</td>" in page


def test_the_page_filters_by_action_and_dates(admin_client, db):
    now = utcnow()
    db.session.add(AuditEntry(at=now - timedelta(days=3), action="course-published", details={"course": 7}))
    db.session.add(AuditEntry(at=now - timedelta(days=1), action="course-withdrawn", details={"course": 7}))
    db.session.commit()
    yesterday = (now - timedelta(days=1)).date().isoformat()
    admin_client.submit("/admin/audit", {"action": "", "since": yesterday, "until": yesterday})
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<td>Course withdrawn</td>" in page and "<td>Course published</td>" not in page
    admin_client.submit("/admin/audit", {"action": "course-published"})
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<td>Course published</td>" in page and "<td>Course withdrawn</td>" not in page


def test_the_page_is_paginated(app, admin_client, db):
    for _ in range(app.config["AUDIT_ENTRIES_PER_PAGE"] + 2):
        audit.record(Action.SIGN_IN_FAILED, actor=None, details={"reason": "credentials"})
    db.session.commit()
    first = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in admin_client.get("/admin/audit?page=2").get_data(as_text=True)
    assert admin_client.get("/admin/audit?page=99999999999").status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"person": "nobody@example.org"},
        {"action": "drop-table"},
        {"since": "2026-02-30"},
        {"since": "2026-03-02", "until": "2026-03-01"},
        {"person": "x" * 300},
    ],
    ids=["unknown person", "unknown action", "impossible date", "end before start", "huge"],
)
def test_bad_filters_are_form_errors(admin_client, form):
    response = admin_client.submit("/admin/audit", form)
    assert response.status_code == 400
    assert "Please correct the following" in response.get_data(as_text=True)


def test_a_tampered_filter_in_the_session_reads_as_no_filter(admin_client, db):
    audit.record(Action.SIGN_IN_FAILED, actor=None)
    db.session.commit()
    with admin_client.session_transaction() as session:
        session["admin_audit_filter"] = {"person_id": "1 OR 1=1", "action": ["x"], "since": "garbage"}
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200 and "<td>Failed sign-in</td>" in page.get_data(as_text=True)


def test_the_csv_export_follows_the_filter_and_is_itself_recorded(admin_client, make_user, db):
    person = make_user(full_name="=HYPERLINK(evil)")
    audit.record(Action.ACCOUNT_DEACTIVATED, subject=person, actor=None)
    audit.record(Action.SIGN_IN_FAILED, actor=None, details={"reason": "credentials"})
    db.session.commit()
    admin_client.submit("/admin/audit", {"action": "account-deactivated"})
    started = admin_client.submit("/admin/audit/export")
    assert started.status_code == 302 and started.headers["Location"].startswith("/jobs/")
    job_page = admin_client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Audit log entries (CSV)" in job_page
    response = admin_client.get(started.headers["Location"] + "/download")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    response.close()
    assert [(r["action"], r["subject_id"], r["subject"]) for r in rows] == [
        ("account-deactivated", str(person.id), "'=HYPERLINK(evil)")
    ]
    [logged] = entries(db, Action.AUDIT_EXPORTED)
    assert logged.details["filter"]["action"] == "account-deactivated"


def test_the_export_without_a_csrf_token_is_refused(admin_client):
    assert admin_client.post("/admin/audit/export").status_code == 400


def test_the_export_job_holds_nothing_for_one_who_is_no_longer_an_administrator(app, db, make_user):
    """The job checks its owner when it runs: demoted meanwhile, they get a reason, not the log."""
    from lms.admin.jobs import AUDIT_CSV
    from lms.jobs import services
    from lms.jobs.models import Job

    admin = make_user(role=Role.ADMIN)
    audit.record(Action.SIGN_IN_FAILED, actor=None)
    with app.test_request_context():
        job_id = services.start(AUDIT_CSV.name, admin, {"filter": {"person_id": "1 OR 1=1"}}).id
        admin.role = Role.TRAINER
        db.session.commit()
    services.run.apply(args=[job_id])
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.problem == "audit-not-allowed" and job.file_name is None
