"""The mails of a learner's path: a welcome with the first step, a cohort's invitation (course,
who enrolled them, a set-password link that lasts INVITATION_MAX_AGE days, unlike the one-hour
reset), and the certificate with its verification link."""

import io
import time

from itsdangerous import TimestampSigner
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.tokens import make_reset_token, user_for_reset_token
from lms.notifications.models import Kind, Notification
from lms.roles import Role
from tests import factories, mailbox
from tests.certificates.conftest import complete_course

HEADER = "email,full_name,gender,country,institution,profile_role\n"


def test_enrolling_sends_a_welcome_with_the_first_step(app, client, login, db):
    course = factories.make_course("open", modules=1, lessons=2, quiz=False, title="Digital Pedagogy")
    learner = factories.make_user()
    db.session.commit()
    login(learner)
    assert client.submit("/courses/open/enrol").status_code == 302
    [message] = mailbox.messages(app)
    first = course.lessons[0]
    assert "Digital Pedagogy" in message["Subject"] and message["List-Unsubscribe"]
    assert first.title in message.get_content()
    assert f"http://localhost/courses/open/lessons/{first.slug}" in message.get_content()
    # Leaving and coming back is not a second welcome.
    client.submit("/courses/open/leave")
    client.submit("/courses/open/enrol")
    assert len(mailbox.messages(app)) == 1


def upload_cohort(client, db, login, text: str):
    factories.make_course("open", modules=1, lessons=1, quiz=False, title="Online Teaching")
    admin = factories.make_user(role=Role.ADMIN, full_name="Esi Mensah")
    db.session.commit()
    login(admin)
    data = {"file": (io.BytesIO((HEADER + text).encode()), "cohort.csv")}
    response = client.submit("/admin/courses/open/cohort", data, content_type="multipart/form-data")
    assert response.status_code == 302


def test_a_cohorts_invitation_names_the_course_and_who_enrolled_them(app, client, login, db):
    known = factories.make_user(email="known@example.org")
    db.session.commit()
    upload_cohort(
        client,
        db,
        login,
        "new@example.org,Wanjiku Kamau,woman,KE,Uni,faculty\nknown@example.org,K,man,KE,,other\n",
    )
    by_recipient = {message["To"]: message for message in mailbox.messages(app)}
    invitation = by_recipient["new@example.org"].get_content()
    assert (
        "Esi Mensah" in invitation and "Online Teaching" in invitation and "expires in 7 days" in invitation
    )
    assert "List-Unsubscribe" not in by_recipient["new@example.org"]  # an account mail, not a notification
    welcome = by_recipient[known.email]
    assert "Esi Mensah enrolled you" in welcome.get_content() and welcome["List-Unsubscribe"]
    new = db.session.execute(select(User).where(User.email == "new@example.org")).scalar_one()
    # The new account's welcome is on its notifications page, without a second mail.
    [notification] = db.session.execute(select(Notification).where(Notification.user_id == new.id)).scalars()
    assert notification.kind is Kind.ENROLMENT and notification.emailed_at is None


def test_the_invitation_link_lasts_days_and_a_reset_link_an_hour(app, client, login, db, monkeypatch):
    upload_cohort(client, db, login, "new@example.org,Wanjiku Kamau,woman,KE,Uni,faculty\n")
    [message] = [m for m in mailbox.messages(app) if m["To"] == "new@example.org"]
    [link] = [link for link in mailbox.links(message.get_content()) if "/password/reset/" in link]
    token = link.rsplit("/", 1)[1]
    new = db.session.execute(select(User).where(User.email == "new@example.org")).scalar_one()
    reset = make_reset_token(new)
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 2 * 86400)
    assert user_for_reset_token(token) == new
    assert user_for_reset_token(reset) is None
    assert client.get(f"/password/reset/{token}").status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 8 * 86400)
    assert user_for_reset_token(token) is None
    app.config["INVITATION_MAX_AGE"] = 10
    try:
        assert user_for_reset_token(token) == new  # the setting decides
    finally:
        app.config["INVITATION_MAX_AGE"] = 7


def test_completing_a_course_mails_the_certificate_with_its_verify_link(app, db):
    course = factories.make_course("cert", modules=1, lessons=1, quiz=False, title="ICT Basics")
    learner = factories.make_user()
    complete_course(learner, course)
    db.session.commit()
    from lms.certificates.services import current_certificate

    code = current_certificate(learner.id, course.id).code
    [message] = [m for m in mailbox.messages(app) if "ICT Basics" in m["Subject"]]
    assert f"http://localhost/verify/{code}" in message.get_content()


def test_changing_language_while_signed_in_sets_the_language_of_mail(app, client, login, db):
    learner = factories.make_user()
    db.session.commit()
    login(learner)
    client.submit("/language", {"language": "sw"})  # only a cookie: it works during an outage
    client.get("/account")  # the next page that loads the account records it
    db.session.expire_all()
    assert db.session.get(User, learner.id).language == "sw"
    mailbox.clear(app)
    course = factories.make_course("open", modules=1, lessons=1, quiz=False)
    db.session.commit()
    client.submit("/courses/open/enrol")
    [message] = mailbox.messages(app)
    assert message["Subject"] == f"Karibu kwenye “{course.title}”"
