"""Discussions in a person's data: their posts and reports are in the download; erasure blanks
what they wrote and keeps the threads (others' replies stay, in order)."""

from __future__ import annotations

from sqlalchemy import select

from lms.discussions.models import Post, PostReport, Thread
from lms.privacy.records import personal_data
from tests.discussions.conftest import BASE, reply_to, start_thread
from tests.privacy.test_personal_data import CONFIRMED


def test_posts_and_reports_are_in_the_download(client, login, learner, classmate, db, switch_to):
    login(classmate)
    other_thread = start_thread(client, title="Ana's question", body="Hello")
    switch_to(learner)
    thread_id = start_thread(client, title="Grace's question", body="Grace asks *this*")
    reply_to(client, other_thread, "Grace answers")
    reported = db.session.execute(
        select(Post.id).where(Post.thread_id == other_thread, Post.opening)
    ).scalar_one()
    client.submit(f"{BASE}/posts/{reported}/report", {"reason": "Off topic."})
    db.session.rollback()
    data = personal_data(db.session.get(type(learner), learner.id))
    posts = data["discussion_posts"]
    assert [(p["thread"], p["started_thread"], p["body"]) for p in posts] == [
        (thread_id, True, "Grace asks *this*"),
        (other_thread, False, "Grace answers"),
    ]
    assert posts[0]["thread_title"] == "Grace's question" and posts[0]["course"] == "ict-basics"
    assert data["discussion_reports"] == [
        {
            "course": "ict-basics",
            "post": reported,
            "reason": "Off topic.",
            "created_at": data["discussion_reports"][0]["created_at"],
            "resolved_at": None,
        }
    ]


def test_erasure_blanks_what_the_person_wrote_and_keeps_the_threads(
    client, login, learner, classmate, trainer, db, switch_to
):
    login(learner)
    thread_id = start_thread(client, title="Grace Wanjiru's question", body="My number is 0712 345 678")
    switch_to(classmate)
    reply_id = reply_to(client, thread_id, "The reply of Ana stays")
    switch_to(learner)
    reply_to(client, thread_id, "Grace replies again")
    client.submit(f"{BASE}/posts/{reply_id}/report", {"reason": "Grace thinks it is wrong"})
    switch_to(trainer)
    mine = (
        db.session.execute(select(Post.id).where(Post.author_id == learner.id).order_by(Post.id))
        .scalars()
        .all()
    )
    client.submit(f"{BASE}/posts/{mine[1]}/hide", {"reason": "Grace Wanjiru shared too much"})
    switch_to(learner)
    assert client.submit("/account/delete", CONFIRMED).status_code == 302

    db.session.rollback()
    assert db.session.execute(select(Post.body).where(Post.author_id == learner.id)).scalars().all() == [
        "",
        "",
    ]
    assert db.session.execute(
        select(Post.hidden_reason).where(Post.author_id == learner.id)
    ).scalars().all() == ["", ""]
    assert db.session.get(Thread, thread_id).title == ""
    assert db.session.execute(select(PostReport.reason)).scalar_one() == ""
    switch_to(classmate)
    response = client.get(f"{BASE}/{thread_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-3000:]
    assert "The reply of Ana stays" in html
    assert "0712" not in html and "Grace" not in html
    assert html.count("Removed when its author withdrew their personal data.") == 2
    assert "title removed" in client.get(BASE).get_data(as_text=True)
