"""The pages stay light: a fixed number of queries whatever the number of replies, and no page
over 40 KB when it is full of posts at the size limit."""

from __future__ import annotations

import pytest

from lms.discussions import services
from tests import factories
from tests.discussions.conftest import BASE

LIMIT = 40 * 1024


@pytest.fixture
def unlimited(app, monkeypatch):
    monkeypatch.setitem(app.config, "DISCUSSION_POSTS_PER_MINUTE", 10_000)
    monkeypatch.setitem(app.config, "DISCUSSION_POSTS_PER_HOUR", 10_000)


def thread_with_replies(db, course, author, bodies, title="A question"):
    with db.session.no_autoflush:
        thread = services.start_thread(
            course, author, module_id=None, title=title, body="Opening", moderator=False
        )
    for body in bodies:
        services.reply(thread, author, body, moderator=False)
    db.session.commit()
    return thread.id


def thread_page_queries(client, count_queries, thread_id) -> int:
    with count_queries() as counter:
        assert client.get(f"{BASE}/{thread_id}").status_code == 200
    return counter.count


def _accepted(body: str) -> bool:
    try:
        services._checked_body(body)
    except services.DiscussionError:
        return False
    return True


def test_the_thread_page_takes_the_same_queries_for_2_or_14_replies(
    client, login, learner, course, db, count_queries, unlimited
):
    few = thread_with_replies(db, course, learner, [f"Reply {n}" for n in range(2)])
    many = thread_with_replies(db, course, learner, [f"Reply {n}" for n in range(14)])
    login(learner)
    client.get(f"{BASE}/{few}")  # warm caches (the course outline)
    assert thread_page_queries(client, count_queries, few) == thread_page_queries(client, count_queries, many)


def test_the_thread_list_takes_the_same_queries_for_2_or_20_threads(
    client, login, learner, course, db, count_queries, unlimited
):
    login(learner)
    for n in range(2):
        thread_with_replies(db, course, learner, ["r"], title=f"Thread {n}")
    client.get(BASE)
    with count_queries() as few:
        client.get(BASE)
    for n in range(18):
        thread_with_replies(db, course, learner, ["r"], title=f"More {n}")
    with count_queries() as many:
        client.get(BASE)
    assert few.count == many.count


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Lorem ipsum dolor sit amet. ", id="latin"),
        pytest.param("التعلم الإلكتروني في الجامعات. ", id="arabic"),
        pytest.param("高等教育中的信息通信技术。", id="chinese"),
    ],
)
def test_a_full_thread_page_of_posts_at_the_size_limit_is_under_40_kb(
    client, login, learner, trainer, course, db, app, unlimited, text
):
    """A moderator's view (the heaviest: every action shown) of a page of replies at the size
    limit, and of replies just under the length at which an excerpt replaces the text."""
    per_page = app.config["DISCUSSION_POSTS_PER_PAGE"]
    # The size limit: so many characters, or so many bytes of HTML, whichever comes first.
    longest = (text * 10_000)[: app.config["DISCUSSION_POST_MAX_CHARS"]]
    while not _accepted(longest):
        longest = longest[:-100]
    # The longest text whose HTML is still shown in full on the thread page.
    shown_whole = text * 200
    while len(services._checked_body(shown_whole)[1].encode()) + 40 > app.config["DISCUSSION_EXCERPT_BYTES"]:
        shown_whole = shown_whole[:-10]
    author = factories.make_user(full_name="Ọlábísí Adébáyọ̀-Okonkwo " * 4)
    factories.enrol(author, course)
    for body in (longest, shown_whole):
        with app.test_request_context():
            thread_id = thread_with_replies(db, course, author, [body] * per_page, title=(text * 20)[:200])
        login(trainer)
        response = client.get(f"{BASE}/{thread_id}")
        client.submit("/logout")
        assert response.status_code == 200
        assert len(response.data) < LIMIT, f"{len(response.data)} bytes"
    login(trainer)
    for _n in range(app.config["DISCUSSION_THREADS_PER_PAGE"]):
        with app.test_request_context():
            thread_with_replies(db, course, author, [], title=(text * 20)[:200])
    assert len(client.get(BASE).data) < LIMIT


def test_a_single_post_at_the_limit_has_a_page_under_40_kb(
    client, login, learner, course, db, app, unlimited
):
    thread_id = thread_with_replies(db, course, learner, ["word " * 4_000])
    login(learner)
    from sqlalchemy import select

    from lms.discussions.models import Post

    post_id = db.session.execute(
        select(Post.id).where(Post.thread_id == thread_id, Post.opening.is_(False))
    ).scalar_one()
    response = client.get(f"{BASE}/posts/{post_id}")
    assert response.status_code == 200 and len(response.data) < LIMIT


def test_a_post_too_big_once_formatted_is_refused(client, login, learner, app):
    login(learner)
    table = "| a | b |\n|---|---|\n" + "| x | y |\n" * 1_500  # few characters, much HTML
    response = client.submit(f"{BASE}/new", {"topic": "general", "title": "Table", "body": table})
    assert response.status_code == 400
    assert "too long or too complex once formatted" in response.get_data(as_text=True)
