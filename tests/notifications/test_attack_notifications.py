"""An outside tester's attacks on notifications and announcements: altered unsubscribe tokens,
erased people's links, line breaks in subjects, other people's notifications, another course's
trainer, and two digest runs at the same moment."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from lms import mail
from lms.announcements.models import Announcement
from lms.courses.models import CourseTrainer
from lms.notifications import services
from lms.notifications.models import Kind, Mode, Notification, NotificationPreference
from lms.roles import Role
from lms.unit_of_work import unit_of_work
from tests import factories, mailbox


def _preferences(db) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(NotificationPreference)).scalar_one()


def test_a_token_cannot_be_moved_to_another_kind_or_cut_or_extended(client, db):
    user = factories.make_user()
    db.session.commit()
    token = services.unsubscribe_token(user.id, "reply")
    payload, signature = token.split(".")
    other_payload = services.unsubscribe_token(user.id, "announcement").split(".")[0]
    for bad in (
        f"{other_payload}.{signature}",  # the same person, another kind, the reply's signature
        token[:-1],
        token[: len(token) // 2],
        token + "A",
        token + "." + signature,
        f"{payload}.",
        f".{signature}",
        payload,
    ):
        assert client.post(f"/unsubscribe/{bad}").status_code == 404, bad
        assert client.get(f"/unsubscribe/{bad}").status_code == 404, bad
    assert _preferences(db) == 0


def test_get_and_head_never_unsubscribe(client, db):
    user = factories.make_user()
    db.session.commit()
    token = services.unsubscribe_token(user.id, "reply")
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert client.head(f"/unsubscribe/{token}").status_code == 200
    assert _preferences(db) == 0


def test_one_click_post_needs_no_session_and_changes_only_that_kind(app, db):
    user = factories.make_user()
    db.session.commit()
    response = app.test_client().post(
        f"/unsubscribe/{services.unsubscribe_token(user.id, 'reply')}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    prefs = services.preferences(user.id)
    assert prefs[Kind.REPLY] is Mode.NEVER and prefs[Kind.ANNOUNCEMENT] is Mode.IMMEDIATELY


def test_an_erased_persons_old_link_is_dead_and_writes_nothing(client, db):
    from lms.privacy.services import erase

    user = factories.make_user()
    db.session.commit()
    token = services.unsubscribe_token(user.id, "reply")
    with unit_of_work():
        erase(db.session.merge(user), actor=None)
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert _preferences(db) == 0


@pytest.mark.parametrize(
    "title", ["News\r\nBcc: victim@example.org", "News\nX-Evil: 1", "News\u2028more", "a\x00b"]
)
def test_a_line_break_in_a_title_cannot_add_a_header_and_the_mail_still_leaves(app, db, title):
    course = factories.make_course(
        "crlf", modules=1, lessons=1, quiz=False, title="Course\r\nBcc: x@example.org"
    )
    learner = factories.make_user()
    factories.enrol(learner, course)
    db.session.commit()
    mailbox.clear(app)
    with unit_of_work():
        services.notify(learner, Kind.ANNOUNCEMENT, "announcement:crlf", f"{course.title}: {title}", "Body")
    with unit_of_work():
        mail.send_mail(learner.email, title, "Body")  # a caller that does not tidy the subject
    messages = mailbox.messages(app)
    assert len(messages) == 2
    for message in messages:
        assert message["Bcc"] is None and message["X-Evil"] is None
        assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
        assert "\x00" not in message["Subject"]


def test_the_notifications_page_shows_only_ones_own(client, login, db):
    me, other = factories.make_user(), factories.make_user()
    with unit_of_work():
        services.notify(other, Kind.REPLY, "reply:1", "Secret reply for the other person")
        services.notify(me, Kind.REPLY, "reply:2", "Mine")
    login(me)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mine" in page and "Secret reply" not in page
    assert client.submit("/notifications/read").status_code == 302
    db.session.rollback()
    theirs = db.session.execute(select(Notification).where(Notification.user_id == other.id)).scalar_one()
    assert theirs.read_at is None


def test_a_trainer_of_another_course_cannot_post_an_announcement(client, login, db):
    course = factories.make_course("open", modules=1, lessons=1, quiz=False)
    elsewhere = factories.make_course("elsewhere", modules=1, lessons=1, quiz=False)
    outsider = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=elsewhere.id, user_id=outsider.id))
    db.session.commit()
    login(outsider)
    response = client.submit(f"/teaching/{course.slug}/announcements", {"title": "Hi", "body": "x"})
    assert response.status_code in (403, 404)
    assert client.post(
        f"/teaching/{course.slug}/announcements", data={"title": "Hi", "body": "x"}
    ).status_code in (
        400,
        403,
        404,
    )
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Announcement)).scalar_one() == 0


def test_no_mail_to_a_bounced_address(app, db):
    user = factories.make_user()
    db.session.commit()
    with unit_of_work():
        mail.record_bounce(user.email)
    mailbox.clear(app)
    with unit_of_work():
        assert services.notify(user, Kind.REPLY, "reply:9", "A reply") is not None
    assert mailbox.messages(app) == []


def test_two_digest_runs_at_the_same_moment_send_one_digest(app, db, monkeypatch):
    """The first run claims the notifications; the second waits on them, then finds none to
    claim. (Before, both read the same waiting list and both mailed it.)"""
    user = factories.make_user()
    with unit_of_work():
        services.set_preference(user.id, Kind.ANNOUNCEMENT, Mode.WEEKLY)
        services.notify(user, Kind.ANNOUNCEMENT, "announcement:1", "Week one")
    mailbox.clear(app)
    # Both runs pause where the digest is being written (after the old code had read the waiting
    # list, after the new one has claimed it); a run that never gets there lets the other go on.
    met = threading.Barrier(2, timeout=3)
    original = services.speaking

    def wait_then_speak(language):
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait()
        return original(language)

    monkeypatch.setattr(services, "speaking", wait_then_speak)
    sent, errors = [], []

    def run():
        try:
            with app.app_context():
                sent.append(services.send_digests())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(sent) == [0, 1]
    assert len(mailbox.messages(app)) == 1


def test_the_notifications_page_escapes_what_a_notification_says(client, login, db):
    me = factories.make_user()
    with unit_of_work():
        services.notify(
            me,
            Kind.ANNOUNCEMENT,
            "announcement:x",
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
        )
    login(me)
    page = client.get("/notifications").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _announcement_world(db):
    course = factories.make_course("open", modules=1, lessons=1, quiz=False, title="Online Teaching")
    trainer = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    learners = [factories.make_user() for _ in range(2)]
    for learner in learners:
        factories.enrol(learner, course)
    db.session.commit()
    return trainer, learners


def _announcements(db) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(Announcement)).scalar_one()


def test_an_announcement_sent_twice_tells_each_learner_once(app, client, login, db):
    trainer, learners = _announcement_world(db)
    login(trainer)
    mailbox.clear(app)
    form = {"title": "Live session", "body": "Friday at ten."}
    assert client.submit("/teaching/open/announcements", form).status_code == 302
    assert client.submit("/teaching/open/announcements", form).status_code == 302
    assert _announcements(db) == 1
    assert sorted(m["To"] for m in mailbox.messages(app)) == sorted(u.email for u in learners)
    # A different text is a new announcement.
    assert (
        client.submit("/teaching/open/announcements", {**form, "body": "Friday at eleven."}).status_code
        == 302
    )
    assert _announcements(db) == 2


def test_an_announcement_sent_twice_at_the_same_moment_is_posted_once(app, client, login, db, monkeypatch):
    from lms.announcements import services as announcements

    trainer, learners = _announcement_world(db)
    login(trainer)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = client.csrf_token()
    met = threading.Barrier(2, timeout=3)
    original = announcements.render_markdown

    def rendered_then_wait(text, *args, **kwargs):
        html = original(text, *args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait()
        return html

    monkeypatch.setattr(announcements, "render_markdown", rendered_then_wait)
    statuses = []

    def send():
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        data = {"title": "Live session", "body": "Friday at ten.", "csrf_token": token}
        statuses.append(other.post("/teaching/open/announcements", data=data).status_code)

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert statuses == [302, 302]
    assert _announcements(db) == 1
