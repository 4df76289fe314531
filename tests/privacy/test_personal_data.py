"""Personal data on request: the download, the deletion, and what each leaves behind."""

from __future__ import annotations

import io
import json
import threading
import zipfile

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.sessions import SignInSession
from lms.announcements import services as announcements
from lms.announcements.models import Announcement
from lms.audit.models import Action, AuditEntry
from lms.authoring import removals
from lms.authoring import services as authoring
from lms.certificates.models import Certificate, CertificateAction
from lms.certificates.services import current_certificate, revoke
from lms.discussions import services as discussions
from lms.enrolment.models import Enrolment
from lms.mail import MailBounce, record_bounce
from lms.newsletters.models import Subscriber, SubscriberChoice
from lms.notifications import services as notifications
from lms.notifications.models import Kind, Mode, Notification, NotificationPreference
from lms.privacy import services as privacy
from lms.privacy.records import FIELDS, FORMAT
from lms.quizzes.models import QuizAttempt
from lms.reports.models import ReportExport
from lms.roles import Role
from tests import factories
from tests.authoring.helpers import build_draft
from tests.certificates.conftest import complete_course
from tests.hub.newsletter_helpers import subscribe_confirmed
from tests.reports.test_views import populate, rows_of

CONFIRMED = {"password": factories.DEFAULT_PASSWORD, "understood": "y"}


@pytest.fixture
def holder(db):
    """A learner who completed a course (so holds a certificate), took a quiz of another, and
    whose certificate an administrator once revoked with a reason naming them, then reinstated."""
    course = factories.make_course("cert", modules=1, lessons=2, quiz=False)
    quizzed = factories.make_course("quizzed", modules=1, lessons=1)
    user = factories.make_user(
        full_name="Aroha Ngata", email="aroha@example.ac.nz", gender="woman", country="NZ"
    )
    complete_course(user, course)
    factories.enrol(user, quizzed)
    quiz = quizzed.modules[0].quiz
    db.session.add(
        QuizAttempt(quiz_id=quiz.id, user_id=user.id, course_id=quizzed.id, number=1, score=50.0, passed=False,
                    answers={"q1": {"chosen": ["a"], "correct": False}})
    )  # fmt: skip
    admin = factories.make_user(role=Role.ADMIN)
    certificate = current_certificate(user.id, course.id)
    revoke(certificate, "Aroha Ngata asked for a correction", admin)
    certificate.reinstate()
    # She also wrote a lesson (a note on a saved version) and once took exact figures.
    draft = build_draft(user, modules=1, lessons=1, quiz=False)
    lesson = draft.modules[0].lessons[0]
    authoring.save_lesson(lesson, seen_revision=lesson.revision, title=lesson.title, minutes=5,
                          body="Text.", author=user, note="Aroha's second pass")  # fmt: skip
    removals.remove_module(authoring.add_module(draft, "Dropped module"), user)  # and removed a module
    db.session.add(
        ReportExport(actor_id=user.id, actor_email=user.email, channel="web", format="csv", filters={})
    )
    # And she asked a question in a course's discussions and reported a reply to it.
    thread = discussions.start_thread(quizzed, user, module_id=None, title="Aroha Ngata asks",
                                      body="Kia ora, I am Aroha", moderator=False)  # fmt: skip
    classmate = factories.make_user()
    factories.enrol(classmate, quizzed)
    discussions.report(
        discussions.reply(thread, classmate, "A reply", moderator=False), user, "Aroha: off topic"
    )
    # Her notification settings, an announcement she posted, and a bounce of her address.
    notifications.set_preference(user.id, Kind.REMINDER, Mode.WEEKLY)
    announcements.post(course, user, "Study group on Friday", "Aroha Ngata hosts it.")
    record_bounce(user.email, "550 5.1.1 mailbox unavailable")
    # And she subscribed to the hub's newsletter with the same address.
    subscribe_confirmed(user.email, ["en", "fr"], ["gender-equality"])
    # A practice she contributed to the knowledge hub.
    from tests.hub.contributions import make_submission

    make_submission(user, title="Aroha's evening tutors")
    db.session.commit()
    return user


def unzip(response) -> tuple[dict, str]:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "aroha" not in response.headers["Content-Disposition"].lower()
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "personal-data.json"]
        return json.loads(archive.read("personal-data.json")), archive.read("README.txt").decode("utf-8")


def test_a_learner_downloads_everything_held_about_them(client, login, holder, make_user, db):
    make_user(full_name="Someone Else")  # nothing of theirs may appear
    login(holder)
    data, readme = unzip(client.submit("/account/data/download"))
    assert data["format"] == FORMAT
    assert data["account"]["email"] == "aroha@example.ac.nz" and data["account"]["full_name"] == "Aroha Ngata"
    assert data["profile"] == {"gender": "woman", "country": "NZ", "institution": "University of Nairobi",
                               "profile_role": "faculty"}  # fmt: skip
    assert sorted(e["course"] for e in data["enrolments"]) == ["cert", "quizzed"]
    assert len(data["progress"]) == 2
    assert data["quiz_attempts"][0]["answers"] == {"q1": {"chosen": ["a"], "correct": False}}
    [certificate] = data["certificates"]
    assert [h["kind"] for h in certificate["history"]] == ["issued", "revoked"]
    assert len(data["sessions"]) == 1
    assert [(r["kind"], r["title"], r["restored_at"]) for r in data["draft_removals"]] == [
        ("module", "Dropped module", None)
    ]
    actions = [e["action"] for e in data["audit_entries"]]
    assert "sign-in" in actions and "certificate-revoked" in actions
    assert "Someone Else" not in json.dumps(data)
    assert "scrypt" not in json.dumps(data) and "pbkdf2" not in json.dumps(data)
    # The download is itself logged.
    db.session.expire_all()
    logged = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "personal-data-exported")
    ).scalar_one()
    assert (logged.actor_id, logged.subject_id) == (holder.id, holder.id)


def test_every_field_of_the_document_is_explained_in_the_readme_and_nothing_else(client, login, holder):
    login(holder)
    data, readme = unzip(client.submit("/account/data/download"))
    assert set(data) - {"format", "exported_at"} == set(FIELDS)
    for section, (_meaning, fields) in FIELDS.items():
        rows = data[section] if isinstance(data[section], list) else [data[section]]
        assert rows, f"the holder has no {section}: the test would not check its fields"
        for row in rows:
            assert set(row) == set(fields), section
        assert f"{section}: " in readme
        for name in fields:
            assert f"  - {name}: " in readme


def test_the_readme_is_in_the_readers_language(client, login, holder):
    login(holder)
    client.submit("/language", {"language": "fr"})
    _data, readme = unzip(client.submit("/account/data/download"))
    assert readme.startswith("Vos données personnelles")


def test_the_download_is_a_post_with_a_csrf_token(client, login, holder):
    login(holder)
    assert client.get("/account/data/download").status_code == 405
    assert client.post("/account/data/download").status_code == 400


def counts(db, user_id: int) -> dict:
    db.session.expire_all()
    return {
        model.__name__: db.session.execute(
            select(func.count()).select_from(model).where(model.user_id == user_id)
        ).scalar_one()
        for model in (Enrolment, QuizAttempt)
    }


def test_deleting_the_account_erases_name_email_and_free_text_and_keeps_the_statistics(
    client, login, holder, db
):
    before = counts(db, holder.id)
    login(holder)
    response = client.submit("/account/delete", CONFIRMED)
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, holder.id)
    assert person.withdrawn and person.full_name == "" and "aroha" not in person.email
    assert not person.has_usable_password and not person.active
    assert (person.gender.value, person.country, person.institution, person.profile_role.value) == (
        "woman", "NZ", "University of Nairobi", "faculty"
    )  # fmt: skip
    assert counts(db, holder.id) == before
    assert db.session.execute(select(func.count()).select_from(SignInSession)).scalar_one() == 0
    reasons = db.session.execute(select(CertificateAction.reason)).scalars().all()
    assert all("Aroha" not in reason for reason in reasons)
    # Notifications (they name her), settings, the bounce of her address and her newsletter
    # subscription go; her announcement stays with its course, without an author.
    for model in (Notification, NotificationPreference, MailBounce, Subscriber, SubscriberChoice):
        assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == 0, model
    [announcement] = db.session.execute(select(Announcement)).scalars()
    assert announcement.author_id is None
    # Signed out, and the old credentials open nothing.
    assert client.get("/account").status_code == 302
    refused = client.submit(
        "/login", {"email": "aroha@example.ac.nz", "password": factories.DEFAULT_PASSWORD}
    )
    assert refused.status_code == 400
    [deleted] = db.session.execute(select(AuditEntry).where(AuditEntry.action == "account-deleted")).scalars()
    assert (deleted.actor_id, deleted.subject_id) == (holder.id, holder.id)


def test_the_certificate_then_verifies_as_issued_without_the_name(client, login, holder, db):
    code = db.session.execute(select(Certificate.code).where(Certificate.user_id == holder.id)).scalar_one()
    login(holder)
    client.submit("/account/delete", CONFIRMED)
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Issued; the holder has withdrawn their personal data." in page and "Aroha" not in page
    facts = client.get(f"/verify/{code}.json").get_json()
    assert facts["status"] == "valid" and facts["holder_name"] is None and facts["holder_withdrawn"] is True
    assert client.get(f"/verify/{code}/credential.json").status_code == 410


def test_a_wrong_password_or_no_tick_deletes_nothing(client, login, holder, db):
    login(holder)
    wrong = client.submit("/account/delete", {"password": "not my password", "understood": "y"})
    unticked = client.submit("/account/delete", {"password": factories.DEFAULT_PASSWORD})
    huge = client.submit("/account/delete", {"password": "x" * 5000, "understood": "y"})
    nul = client.submit("/account/delete", {"password": "a\x00b", "understood": "y"})
    assert [r.status_code for r in (wrong, unticked, huge, nul)] == [400, 400, 400, 400]
    assert "This password is not correct." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, holder.id).withdrawn
    assert client.get("/account").status_code == 200


def test_participation_figures_are_the_same_after_a_deletion(client, login, make_user, course, db):
    populate(db, course)
    admin = make_user(role=Role.ADMIN)
    leaver = db.session.execute(select(User).where(User.role == Role.LEARNER).limit(1)).scalar_one()
    client = login(admin)
    before = rows_of(client.submit("/reports/participation/exact.csv"))
    privacy.erase(leaver, actor=admin)
    db.session.commit()
    after = rows_of(client.submit("/reports/participation/exact.csv"))
    assert after == before


def test_an_administrator_downloads_and_erases_on_request_and_both_are_logged(
    client, login, holder, make_user, db
):
    admin = make_user(role=Role.ADMIN)
    login(admin)
    data, _readme = unzip(client.submit(f"/admin/users/{holder.id}/data/download"))
    assert data["account"]["id"] == holder.id
    wrong = client.submit(
        f"/admin/users/{holder.id}/delete", {"password": "the person's?", "understood": "y"}
    )
    assert wrong.status_code == 400
    assert client.submit(f"/admin/users/{holder.id}/delete", CONFIRMED).status_code == 302
    again = client.submit(f"/admin/users/{holder.id}/delete", CONFIRMED)
    assert again.status_code in (400, 409)
    db.session.expire_all()
    logged = [
        (e.action, e.actor_id, e.subject_id)
        for e in db.session.execute(
            select(AuditEntry).where(AuditEntry.subject_id == holder.id).order_by(AuditEntry.id)
        ).scalars()
        if e.action in ("personal-data-exported", "account-deleted")
    ]
    assert logged == [
        ("personal-data-exported", admin.id, holder.id),
        ("account-deleted", admin.id, holder.id),
    ]
    page = client.get(f"/admin/users/{holder.id}").get_data(as_text=True)
    assert f"Account {holder.id}" in page and "Aroha" not in page


def test_concurrent_deletions_of_one_account_erase_once(
    app, client, login, holder, make_user, db, monkeypatch
):
    """Both requests pass the password check before either erases; the database decides."""
    admin = make_user(role=Role.ADMIN)
    holder_id = holder.id
    login(admin)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = client.csrf_token()
    both_checked = threading.Barrier(2, timeout=10)
    original = privacy._confirm_with_password

    def checked_then_wait(user, password):
        original(user, password)
        both_checked.wait()

    monkeypatch.setattr(privacy, "_confirm_with_password", checked_then_wait)
    statuses = []

    def delete():
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        response = other.post(f"/admin/users/{holder_id}/delete", data={**CONFIRMED, "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=delete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses)[0] == 302 and sorted(statuses)[1] in (400, 409)
    db.session.expire_all()
    deleted = db.session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == Action.ACCOUNT_DELETED.value)
    ).scalar_one()
    assert deleted == 1


def test_an_administrator_cannot_erase_their_own_account_from_the_people_pages(client, login, make_user, db):
    admin = make_user(role=Role.ADMIN)
    login(admin)
    assert client.submit(f"/admin/users/{admin.id}/delete", CONFIRMED).status_code == 400
    db.session.expire_all()
    assert not db.session.get(User, admin.id).withdrawn


def test_a_learner_cannot_reach_another_persons_data(client, login, holder, make_user):
    login(make_user())
    assert client.get(f"/admin/users/{holder.id}/data").status_code == 403
    assert client.submit(f"/admin/users/{holder.id}/data/download").status_code == 403
    assert client.submit(f"/admin/users/{holder.id}/delete", CONFIRMED).status_code == 403


def test_a_withdrawn_certificate_cannot_be_reissued_with_an_empty_name(holder, db):
    from lms.certificates.services import CertificateError, reissue

    admin = factories.make_user(role=Role.ADMIN)
    privacy.erase(holder, actor=admin)
    db.session.flush()
    certificate = current_certificate(
        holder.id, db.session.execute(select(Enrolment.course_id)).scalars().first()
    )
    with pytest.raises(CertificateError):
        reissue(certificate, admin)
    db.session.rollback()


def test_staff_pages_say_the_data_was_withdrawn_instead_of_a_blank_name(client, login, holder, make_user, db):
    admin = make_user(role=Role.ADMIN)
    certificate_id = db.session.execute(
        select(Certificate.id).where(Certificate.user_id == holder.id)
    ).scalar_one()
    privacy.erase(holder, actor=admin)
    db.session.commit()
    login(admin)
    for url in ("/teaching/cert/cohort", "/admin/certificates", f"/admin/certificates/{certificate_id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "(personal data withdrawn)" in page.get_data(as_text=True), url
