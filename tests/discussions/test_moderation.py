"""Trainers and administrators hide and restore posts with a reason (audit-logged), read and
dismiss reports, and approve the held first posts of new accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.columns import utcnow
from lms.discussions.events import reply_published
from lms.discussions.models import Post, PostReport, PostStatus
from lms.roles import Role
from tests import factories
from tests.discussions.conftest import BASE, counts, reply_to, start_thread

REASON = "Shares another learner's phone number."


def test_a_trainer_hides_a_post_with_a_reason_and_restores_it(
    client, login, learner, classmate, trainer, db, switch_to
):
    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    post_id = reply_to(client, thread_id, "Call Grace on 0712 345 678")
    switch_to(trainer)
    assert "Shares" not in client.get(f"{BASE}/posts/{post_id}/hide").get_data(as_text=True)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": REASON}).status_code == 302
    moderator_view = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "Hidden by a moderator." in moderator_view and REASON.replace("'", "&#39;") in moderator_view
    assert "0712 345 678" in moderator_view

    switch_to(learner)
    html = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "Hidden by a moderator." in html
    assert "0712 345 678" not in html and "Shares another" not in html
    assert "0 threads match" in client.get(f"{BASE}?q=0712").get_data(as_text=True)
    assert client.get(f"{BASE}/posts/{post_id}/report").status_code == 404  # it would quote the post
    assert "0712" not in client.get(f"{BASE}/posts/{post_id}").get_data(as_text=True)
    switch_to(classmate)  # the author sees why
    assert "Shares another" in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)

    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "discussion-post-hidden")
    ).scalar_one()
    assert entry.actor_id == trainer.id and entry.subject_id == classmate.id
    assert entry.details["post"] == post_id and "Shares" not in str(entry.details)

    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{post_id}/restore").status_code == 302
    switch_to(learner)
    assert "0712 345 678" in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert "discussion-post-restored" in actions


def test_hiding_needs_a_reason_and_changes_nothing_without_one(
    client, login, learner, trainer, db, switch_to
):
    login(learner)
    thread_id = start_thread(client)
    post_id = reply_to(client, thread_id)
    switch_to(trainer)
    response = client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "   "})
    assert response.status_code == 400 and "Give a reason." in response.get_data(as_text=True)
    response = client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "x" * 1001})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(Post, post_id).status is PostStatus.PUBLISHED
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action.like("discussion%"))).first() is None


def test_learners_and_trainers_of_other_courses_cannot_moderate(
    client, login, learner, classmate, db, switch_to
):
    other_trainer = factories.make_user(role=Role.TRAINER)
    db.session.commit()
    login(learner)
    thread_id = start_thread(client)
    post_id = reply_to(client, thread_id)
    switch_to(classmate)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": REASON}).status_code == 403
    assert client.get(f"{BASE}/moderation").status_code == 403
    switch_to(other_trainer)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": REASON}).status_code == 403
    db.session.rollback()
    assert db.session.get(Post, post_id).status is PostStatus.PUBLISHED


def test_an_administrator_moderates_any_course(client, login, learner, db, switch_to):
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    login(learner)
    thread_id = start_thread(client)
    post_id = reply_to(client, thread_id)
    switch_to(admin)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": REASON}).status_code == 302


def test_a_participant_reports_a_post_and_a_trainer_sees_and_dismisses_it(
    client, login, learner, classmate, trainer, db, switch_to
):
    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    post_id = reply_to(client, thread_id, "Rude words")
    assert client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "Mine"}).status_code == 400
    switch_to(learner)
    assert client.submit(f"{BASE}/posts/{post_id}/report", {"reason": ""}).status_code == 400
    assert client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "It is rude."}).status_code == 302
    assert client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "Again!"}).status_code == 302
    assert counts(db)[2] == 1  # a repeated report is the same report
    switch_to(trainer)
    page = client.get(f"{BASE}/moderation").get_data(as_text=True)
    assert "It is rude." in page and "Rude words" in page and "Grace Wanjiru" in page
    assert "1 report" in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    report_id = db.session.execute(select(PostReport.id)).scalar_one()
    assert client.submit(f"{BASE}/reports/{report_id}/dismiss").status_code == 302
    assert "It is rude." not in client.get(f"{BASE}/moderation").get_data(as_text=True)


def test_hiding_a_reported_post_closes_its_reports(client, login, learner, classmate, trainer, db, switch_to):
    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    post_id = reply_to(client, thread_id, "Spam spam")
    switch_to(learner)
    client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "Spam."})
    switch_to(trainer)
    client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "Spam."})
    db.session.rollback()
    assert db.session.execute(select(PostReport.resolved_by_id)).scalar_one() == trainer.id
    assert "No open report." in client.get(f"{BASE}/moderation").get_data(as_text=True)


def test_new_accounts_first_posts_are_held_until_a_trainer_approves(
    client, login, learner, classmate, trainer, db, switch_to, monkeypatch, app
):
    monkeypatch.setitem(app.config, "DISCUSSION_HOLD_NEW_ACCOUNTS", True)
    classmate.created_at = utcnow() - timedelta(days=30)  # an older account: not held
    db.session.commit()
    login(classmate)
    thread_id = start_thread(client, title="Old account's thread")
    switch_to(learner)  # created just now
    held_thread = start_thread(client, title="New account's thread")
    held_reply = reply_to(client, thread_id, "A new account's first reply")
    assert "review" in client.get(f"{BASE}/{held_thread}").get_data(as_text=True)
    received = []

    def receiver(post, thread):
        received.append(post.id)

    reply_published.connect(receiver)
    try:
        switch_to(classmate)
        assert "New account's thread" not in client.get(BASE).get_data(as_text=True)
        assert client.get(f"{BASE}/{held_thread}").status_code == 404
        assert "first reply" not in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
        switch_to(trainer)
        page = client.get(f"{BASE}/moderation").get_data(as_text=True)
        assert "New account&#39;s thread" in page and "first reply" in page
        assert client.submit(f"{BASE}/posts/{held_reply}/approve").status_code == 302
        opening = db.session.execute(select(Post.id).where(Post.thread_id == held_thread)).scalar_one()
        client.submit(f"{BASE}/posts/{opening}/approve", {"back": "moderation"})
    finally:
        reply_published.disconnect(receiver)
    assert received == [held_reply]
    switch_to(classmate)
    assert "New account&#39;s thread" in client.get(BASE).get_data(as_text=True)
    assert "first reply" in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    switch_to(learner)  # once a post is published, the next is not held
    reply_to(client, thread_id, "Second reply")
    db.session.rollback()
    assert (
        db.session.execute(select(Post.status).order_by(Post.id.desc()).limit(1)).scalar_one()
        is PostStatus.PUBLISHED
    )


def test_trainers_posts_are_never_held(client, login, db, trainer, monkeypatch, app):
    monkeypatch.setitem(app.config, "DISCUSSION_HOLD_NEW_ACCOUNTS", True)
    login(trainer)
    start_thread(client, title="Welcome")
    db.session.rollback()
    assert db.session.execute(select(Post.status)).scalar_one() is PostStatus.PUBLISHED
