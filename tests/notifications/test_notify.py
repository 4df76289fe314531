"""notify(): recorded once per key, mailed as the person chose, in their language, with the
RFC 8058 unsubscribe headers; the notifications page."""

import threading

from sqlalchemy import func, select

from lms.extensions import db as _db
from lms.mail import record_bounce
from lms.notifications import services
from lms.notifications.models import Kind, Mode, Notification
from lms.unit_of_work import unit_of_work
from tests import factories, mailbox


def count(db) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(Notification)).scalar_one()


def test_a_notification_is_stored_and_mailed_at_once_by_default(app, db):
    user = factories.make_user(full_name="Halima Bello")
    with unit_of_work():
        made = services.notify(user, Kind.REPLY, "reply:7", "New reply", "Thank you!", "http://localhost/x")
    assert made is not None and made.emailed_at is not None
    [message] = mailbox.messages(app)
    assert message["To"] == user.email and message["Subject"] == "New reply"
    body = message.get_content()
    assert "Thank you!" in body and "http://localhost/x" in body


def test_the_same_key_twice_stores_and_mails_once(app, db):
    user = factories.make_user()
    with unit_of_work():
        assert services.notify(user, Kind.REPLY, "reply:7", "New reply") is not None
        assert services.notify(user, Kind.REPLY, "reply:7", "New reply") is None
    assert count(db) == 1
    assert len(mailbox.messages(app)) == 1


def test_concurrent_notifications_with_one_key_store_one(app, db):
    user = factories.make_user()
    db.session.commit()
    user_id, barrier, results = user.id, threading.Barrier(2), []

    def tell():
        with app.app_context(), unit_of_work():
            person = _db.session.get(type(user), user_id)
            barrier.wait()
            results.append(services.notify(person, Kind.REPLY, "reply:9", "Reply", email=False))

    threads = [threading.Thread(target=tell) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count(db) == 1
    assert sum(result is not None for result in results) == 1


def test_every_mail_carries_one_click_unsubscribe_headers(app, db):
    user = factories.make_user()
    with unit_of_work():
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "Course news", "Read this.")
    [message] = mailbox.messages(app)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip()
    assert link.startswith("<http://localhost/unsubscribe/") and link.endswith(">")
    assert link[1:-1] in message.get_content()  # the same link in the text, for people
    assert message["Auto-Submitted"] == "auto-generated"


def test_the_mail_is_in_the_persons_language_whatever_the_callers(app, db):
    from flask_babel import lazy_gettext as _l

    user = factories.make_user(language="fr")
    with app.test_request_context(headers={"Accept-Language": "ar"}), unit_of_work():
        services.notify(user, Kind.CERTIFICATE, "certificate:1", _l("Certificates"), "")
    [message] = mailbox.messages(app)
    assert message["Subject"] == "Certificats"
    assert "paramètres de notification" in message.get_content()


def test_never_and_weekly_store_without_mailing_now(app, db):
    user = factories.make_user()
    with unit_of_work():
        services.set_preference(user.id, Kind.REPLY, Mode.NEVER)
        services.set_preference(user.id, Kind.ANNOUNCEMENT, Mode.WEEKLY)
        services.notify(user, Kind.REPLY, "reply:1", "Reply")
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "News")
    assert count(db) == 2
    assert mailbox.messages(app) == []


def test_a_bounced_address_gets_nothing_more(app, db):
    user = factories.make_user()
    with unit_of_work():
        record_bounce(user.email.upper(), "550 no such mailbox")
        made = services.notify(user, Kind.REPLY, "reply:1", "Reply")
    assert made is not None and made.emailed_at is None
    assert mailbox.messages(app) == []


def test_any_mail_to_a_bounced_address_is_dropped_by_the_delivery_task(app, db):
    from lms.mail import send_mail

    user = factories.make_user()
    with unit_of_work():
        record_bounce(user.email)
    with unit_of_work():
        send_mail(user.email, "Reset your password", "A link")
    assert mailbox.messages(app) == []


def test_a_rolled_back_change_sends_nothing(app, db):
    user = factories.make_user()
    db.session.commit()
    try:
        with unit_of_work():
            services.notify(user, Kind.REPLY, "reply:1", "Reply")
            raise RuntimeError("refused later in the request")
    except RuntimeError:
        pass
    assert count(db) == 0 and mailbox.messages(app) == []


def test_the_page_lists_the_last_50_newest_first_in_few_queries(client, login, db, count_queries):
    user = factories.make_user()
    other = factories.make_user()
    for n in range(60):
        services.notify(user, Kind.REPLY, f"reply:{n}", f"Reply number {n}", email=False)
    services.notify(other, Kind.REPLY, "reply:x", "Someone else's", email=False)
    db.session.commit()
    login(user)
    with count_queries() as counter:
        page = client.get("/notifications").get_data(as_text=True)
    assert page.count('<li class="notification') == 50
    assert "Reply number 59" in page and "Reply number 9<" not in page
    assert page.index("Reply number 59") < page.index("Reply number 58")
    assert "Someone else" not in page
    assert counter.count <= 6, counter.statements


def test_marking_all_read_needs_the_form_and_touches_only_ones_own(client, login, db):
    user = factories.make_user()
    other = factories.make_user()
    services.notify(user, Kind.REPLY, "reply:1", "Mine", email=False)
    services.notify(other, Kind.REPLY, "reply:1", "Theirs", email=False)
    db.session.commit()
    login(user)
    assert client.post("/notifications/read").status_code == 400
    assert client.submit("/notifications/read").status_code == 302
    db.session.expire_all()
    read = dict(db.session.execute(select(Notification.user_id, Notification.read_at)).all())
    assert read[user.id] is not None and read[other.id] is None


def test_settings_are_saved_per_kind_and_a_forged_mode_is_refused(client, login, db):
    user = factories.make_user()
    db.session.commit()
    login(user)
    form = {f"kind_{kind.value}": "immediately" for kind in Kind} | {"kind_reminder": "weekly"}
    assert client.submit("/account/notifications", form).status_code == 302
    assert services.preferences(user.id)[Kind.REMINDER] is Mode.WEEKLY
    forged = client.submit("/account/notifications", form | {"kind_reply": "hourly\x00"})
    assert forged.status_code == 400
    assert services.preferences(user.id)[Kind.REPLY] is Mode.IMMEDIATELY
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="weekly" checked' in page or "checked" in page


def test_outside_a_unit_of_work_mail_waits_for_the_sessions_commit_not_a_savepoints(app, db):
    """A service called directly (a shell, a fixture): nothing leaves while its writes are
    uncommitted (a SAVEPOINT released is not a commit), nothing ever if they roll back."""
    user = factories.make_user()
    services.notify(user, Kind.REPLY, "reply:1", "First")
    with db.session.begin_nested():
        services.notify(user, Kind.REPLY, "reply:2", "Second")
    assert mailbox.messages(app) == []
    db.session.rollback()
    assert mailbox.messages(app) == []
    user = factories.make_user()
    services.notify(user, Kind.REPLY, "reply:3", "Third")
    db.session.commit()
    assert [message["Subject"] for message in mailbox.messages(app)] == ["Third"]
