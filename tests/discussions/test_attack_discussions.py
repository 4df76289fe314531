"""An outside tester's attacks on the discussions: other people's ids, hostile Markdown and
titles, hostile search and page numbers, repeats and races. Each asserts the safe behaviour."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import select

from lms.courses.models import CourseTrainer
from lms.discussions.models import Post, PostReport, PostStatus, Thread
from lms.roles import Role
from tests import factories
from tests.discussions.conftest import BASE, counts, reply_to, start_thread


@pytest.fixture
def other_course_thread(db, client, login, switch_to):
    """A thread (id, reply post id) in another course, by a learner of that course only."""
    other = factories.make_course("other-course", modules=1, lessons=1)
    stranger = factories.make_user(full_name="Sam Stranger")
    factories.enrol(stranger, other)
    db.session.commit()
    from lms.courses.models import Course

    other = db.session.get(Course, other.id)
    thread = Thread(course_id=other.id, author_id=stranger.id, title="Secret of other course")
    db.session.add(thread)
    db.session.flush()
    post = Post(
        thread_id=thread.id, course_id=other.id, author_id=stranger.id, opening=True,
        body="secret body", body_html="<p>secret body</p>", status=PostStatus.PUBLISHED,
    )  # fmt: skip
    db.session.add(post)
    db.session.commit()
    return thread.id, post.id


def test_another_courses_thread_and_post_are_not_found_under_this_slug(
    client, login, learner, trainer, other_course_thread, switch_to
):
    thread_id, post_id = other_course_thread
    for user in (learner, trainer):
        switch_to(user)
        assert client.get(f"{BASE}/{thread_id}").status_code == 404
        assert client.get(f"{BASE}/posts/{post_id}").status_code == 404
        assert client.submit(f"{BASE}/{thread_id}/replies", {"body": "hi"}).status_code == 404
        assert client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "x"}).status_code == 404
        assert client.submit(f"{BASE}/posts/{post_id}/answer").status_code == 404
    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "x"}).status_code == 404
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "1"}).status_code == 404
    assert client.submit(f"{BASE}/{thread_id}/pin", {"value": "1"}).status_code == 404


def test_learner_cannot_hide_restore_pin_lock_or_approve(client, login, learner, classmate, switch_to, db):
    login(classmate)
    thread_id = start_thread(client)
    post_id = db.session.execute(select(Post.id).where(Post.thread_id == thread_id)).scalar_one()
    switch_to(learner)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "spam"}).status_code == 403
    assert client.get(f"{BASE}/posts/{post_id}/hide").status_code == 403
    assert client.submit(f"{BASE}/posts/{post_id}/restore").status_code == 403
    assert client.submit(f"{BASE}/posts/{post_id}/approve").status_code == 403
    assert client.submit(f"{BASE}/{thread_id}/pin", {"value": "1"}).status_code == 403
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "1"}).status_code == 403
    assert client.get(f"{BASE}/moderation").status_code == 403
    db.session.rollback()
    thread = db.session.get(Thread, thread_id)
    assert not thread.pinned and not thread.locked
    assert db.session.get(Post, post_id).status == PostStatus.PUBLISHED


def test_marking_an_answer_on_someone_elses_thread_is_403(client, login, learner, classmate, switch_to, db):
    login(classmate)
    thread_id = start_thread(client)
    switch_to(learner)
    reply_id = reply_to(client, thread_id, "My own answer")
    assert client.submit(f"{BASE}/posts/{reply_id}/answer").status_code == 403
    db.session.rollback()
    assert db.session.get(Post, reply_id).is_answer is False
    assert db.session.get(Thread, thread_id).answered is False


def test_reporting_ones_own_post_writes_nothing(client, login, learner, db):
    login(learner)
    thread_id = start_thread(client)
    post_id = db.session.execute(select(Post.id).where(Post.thread_id == thread_id)).scalar_one()
    response = client.submit(f"{BASE}/posts/{post_id}/report", {"reason": "look"})
    assert response.status_code == 400
    assert "cannot report your own post" in response.get_data(as_text=True)
    assert counts(db)[2] == 0


def test_csrf_less_posts_are_refused(client, login, learner, db):
    login(learner)
    response = client.post(f"{BASE}/new", data={"topic": "general", "title": "t", "body": "b"})
    assert response.status_code == 400
    assert counts(db) == (0, 0, 0)


HOSTILE_MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "![x](javascript:alert(1))",
    '![x](https://evil.example/p.png "t\\" onerror=\\"alert(1))',
    '[t](https://ok.example "a\\" onmouseover=\\"alert(1))',
    "<a href='javascript:alert(1)'>x</a>",
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x]: javascript:alert(1)\n\n[ref][x]",
]

_DANGEROUS_TAG = re.compile(r"<\s*(script|iframe|svg|style|object|embed|img)\b|\son\w+\s*=|\sstyle\s*=", re.I)
_DANGEROUS_URL = re.compile(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I)


class _Dangerous:
    """Tags and handlers outside attribute values (an escaped `"` inside an href is only text),
    or a dangerous scheme at the start of an href/src."""

    @staticmethod
    def search(html: str):
        return _DANGEROUS_TAG.search(re.sub(r'="[^"]*"', '=""', html)) or _DANGEROUS_URL.search(html)


_DANGEROUS = _Dangerous()


@pytest.mark.parametrize("body", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_neutralised_in_the_stored_and_shown_html(client, login, learner, db, body):
    login(learner)
    thread_id = start_thread(client, title="Attack", body=body)
    db.session.rollback()
    post = db.session.execute(select(Post).where(Post.thread_id == thread_id)).scalar_one()
    assert not _DANGEROUS.search(post.body_html), post.body_html
    page = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert not _DANGEROUS.search(main), main


@pytest.mark.parametrize(
    "title",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\u202egnp.exe", "a\x00b", "x\r\ny"],
)
def test_hostile_titles_are_escaped_or_refused(client, login, learner, db, title):
    login(learner)
    response = client.submit(f"{BASE}/new", {"topic": "general", "title": title, "body": "b"})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        thread_id = int(re.search(r"/discussions/(\d+)", response.headers["Location"]).group(1))
        db.session.rollback()
        stored = db.session.get(Thread, thread_id).title
        assert "\x00" not in stored and "\r" not in stored and "\n" not in stored
        for url in (f"{BASE}/{thread_id}", BASE):
            page = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in page and "<img src=x" not in page
    else:
        assert counts(db) == (0, 0, 0)


def test_a_title_with_a_right_to_left_override_is_isolated(client, login, learner, db):
    login(learner)
    thread_id = start_thread(client, title="\u202egnp.exe", body="b")
    page = client.get(BASE).get_data(as_text=True)
    # The override cannot run past the title: it is shown in an element of its own with dir="auto"
    # (bidi isolation), or stripped.
    assert "\u202e" not in page or re.search(r'dir="auto"[^>]*>[^<]*\u202e', page), thread_id


@pytest.mark.parametrize(
    "text", ["%", "_", "\\", "%%%", "_%\\", "a" * 10_000, "a\x00b", "'; DROP TABLE x; --"]
)
def test_search_with_metacharacters_huge_or_nul_queries_is_a_page(client, login, learner, db, text):
    login(learner)
    start_thread(client, title="Plain title", body="Plain body")
    response = client.get(BASE, query_string={"q": text})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and text in {"%", "_", "\\", "%%%", "_%\\"}:
        assert "Plain title" not in response.get_data(as_text=True)  # metacharacters match literally


def test_search_for_a_percent_finds_the_literal_percent(client, login, learner, db):
    login(learner)
    start_thread(client, title="Plain title", body="Plain body")
    start_thread(client, title="Scored 100% here", body="x")
    page = client.get(BASE, query_string={"q": "100%"}).get_data(as_text=True)
    assert "Scored 100% here" in page and "Plain title" not in page


@pytest.mark.parametrize("page", ["-1", "0", "abc", str(10**30), "1e3", "", "\x00"])
def test_any_page_number_of_the_lists_gives_a_page(client, login, learner, db, page):
    login(learner)
    thread_id = start_thread(client)
    expected = 400 if "\x00" in page else 200  # the application refuses NUL in any parameter
    assert client.get(BASE, query_string={"page": page}).status_code == expected
    assert client.get(f"{BASE}/{thread_id}", query_string={"page": page}).status_code == expected


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_huge_thread_and_post_ids_are_not_found(client, login, learner, trainer, switch_to, number):
    login(learner)
    assert client.get(f"{BASE}/{number}").status_code == 404
    assert client.get(f"{BASE}/posts/{number}").status_code == 404
    assert client.submit(f"{BASE}/{number}/replies", {"body": "x"}).status_code == 404
    assert client.submit(f"{BASE}/posts/{number}/report", {"reason": "x"}).status_code == 404
    switch_to(trainer)
    assert client.submit(f"{BASE}/reports/{number}/dismiss").status_code == 404


def test_double_submitted_reply_makes_one_post(client, login, learner, db):
    login(learner)
    thread_id = start_thread(client)
    first = reply_to(client, thread_id, "Same words")
    second = reply_to(client, thread_id, "Same words")
    assert first == second
    assert counts(db)[1] == 2


def test_reply_to_a_locked_thread_is_409_and_writes_nothing(client, login, learner, trainer, switch_to, db):
    login(learner)
    thread_id = start_thread(client)
    switch_to(trainer)
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "1"}).status_code == 302
    switch_to(learner)
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "late"})
    assert response.status_code == 409
    assert counts(db)[1] == 1


def test_held_post_is_seen_by_its_author_and_moderators_only(
    make_app, db, course, learner, classmate, trainer
):
    application = make_app(DISCUSSION_HOLD_NEW_ACCOUNTS=True, DISCUSSION_NEW_ACCOUNT_DAYS=3650)
    newcomer = factories.make_user(full_name="New Comer")
    factories.enrol(newcomer, course)
    db.session.commit()

    def signed_in(user):
        client = application.test_client()
        assert (
            client.submit("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD}).status_code
            == 302
        )
        return client

    author = signed_in(newcomer)
    response = author.submit(f"{BASE}/new", {"topic": "general", "title": "Held one", "body": "Held text"})
    assert response.status_code == 302
    thread_id = int(re.search(r"/discussions/(\d+)", response.headers["Location"]).group(1))
    db.session.rollback()
    assert db.session.get(Thread, thread_id).held
    post_id = db.session.execute(select(Post.id).where(Post.thread_id == thread_id)).scalar_one()
    assert "Held text" in author.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    other = signed_in(classmate)
    assert other.get(f"{BASE}/{thread_id}").status_code == 404
    assert other.get(f"{BASE}/posts/{post_id}").status_code == 404
    assert "Held one" not in other.get(BASE).get_data(as_text=True)
    assert "Held one" not in other.get(BASE, query_string={"q": "Held"}).get_data(as_text=True)
    assert other.submit(f"{BASE}/posts/{post_id}/report", {"reason": "x"}).status_code == 404
    moderator = signed_in(trainer)
    assert "Held text" in moderator.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    # a held thread cannot be answered or replied to by its own author either
    assert author.submit(f"{BASE}/{thread_id}/replies", {"body": "more"}).status_code == 400
    db.session.rollback()
    assert db.session.execute(select(PostReport)).first() is None


def test_trainer_of_another_course_cannot_moderate_here(client, login, learner, switch_to, db):
    login(learner)
    thread_id = start_thread(client)
    post_id = db.session.execute(select(Post.id).where(Post.thread_id == thread_id)).scalar_one()
    other = factories.make_course("elsewhere", modules=1, lessons=1)
    outsider = factories.make_user(role=Role.TRAINER, full_name="Other Trainer")
    db.session.add(CourseTrainer(course_id=other.id, user_id=outsider.id))
    db.session.commit()
    switch_to(outsider)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "x"}).status_code in (403, 404)
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "1"}).status_code in (403, 404)
    db.session.rollback()
    assert db.session.get(Post, post_id).status == PostStatus.PUBLISHED


@pytest.mark.parametrize(
    "body",
    [
        "<img src='https://tracker.example/p.png'>",
        "<img src=https://tracker.example/p.png>",
        '<IMG SRC="https://tracker.example/p.png">',
        '<img alt=">" src="https://tracker.example/p.png">',
        "![pixel](https://tracker.example/p.png)",
    ],
)
def test_no_image_of_another_site_loads_from_a_post(client, login, learner, db, body):
    """A post's images are dropped (a picture from elsewhere tells that site who reads the
    course), however the <img> is written; before, raw HTML with single quotes or no quotes kept
    its src."""
    login(learner)
    thread_id = start_thread(client, title="Pixel", body=body)
    db.session.rollback()
    post = db.session.execute(select(Post).where(Post.thread_id == thread_id)).scalar_one()
    assert (
        "<img" not in post.body_html
        and "tracker.example" not in post.body_html.split("</a>")[0].split("href")[0]
    )
    assert "<img" not in client.get(f"{BASE}/{thread_id}").get_data(as_text=True).split("<main", 1)[1]


def _race(app, client, monkeypatch, name, requests):
    """Send `requests` (path, data) at once from the signed-in client's session; each pauses
    after `services.<name>` until all have reached it. Returns the status codes."""
    import threading

    from lms.discussions import services

    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = client.csrf_token()
    met = threading.Barrier(len(requests), timeout=3)
    original = getattr(services, name)

    def reached_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait()
        return found

    monkeypatch.setattr(services, name, reached_then_wait)
    statuses = []

    def send(path, data):
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        statuses.append(other.post(path, data={**data, "csrf_token": token}).status_code)

    workers = [threading.Thread(target=send, args=request) for request in requests]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    return statuses


def test_two_identical_replies_sent_at_the_same_moment_make_one_post(
    app, client, login, learner, db, monkeypatch
):
    """Both pass the repeat check's place before either has inserted; the thread's row lock makes
    the second wait and then find the first (before, a double click made two posts)."""
    login(learner)
    thread_id = start_thread(client)
    request = (f"{BASE}/{thread_id}/replies", {"body": "Clicked twice"})
    statuses = _race(app, client, monkeypatch, "_repeated", [request, request])
    assert sorted(statuses) == [302, 302]
    assert counts(db)[1] == 2


def test_a_reply_racing_a_lock_is_refused_once_the_lock_is_committed(
    app, client, login, learner, trainer, db, monkeypatch
):
    """The reply request loaded the thread unlocked; a moderator locks it and commits before the
    reply is written: the reply is refused (409), not added to the locked thread."""
    import threading

    from lms.discussions import services

    login(learner)
    thread_id = start_thread(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = client.csrf_token()
    reached, locked = threading.Event(), threading.Event()
    original = services._checked_body

    def checked_then_wait(body):
        found = original(body)
        reached.set()
        locked.wait(10)
        return found

    monkeypatch.setattr(services, "_checked_body", checked_then_wait)
    statuses = []

    def send():
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        statuses.append(
            other.post(f"{BASE}/{thread_id}/replies", data={"body": "late", "csrf_token": token}).status_code
        )

    worker = threading.Thread(target=send)
    worker.start()
    assert reached.wait(10)
    db.session.rollback()
    services.set_locked(db.session.get(Thread, thread_id), True)
    db.session.commit()
    locked.set()
    worker.join(30)
    assert statuses == [409]
    assert counts(db)[1] == 1


def test_a_hidden_posts_text_reaches_no_other_learner(
    client, login, learner, classmate, trainer, switch_to, db
):
    login(classmate)
    thread_id = start_thread(client, title="Fine title", body="Fine opening")
    reply_id = reply_to(client, thread_id, "Abusive words here")
    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{reply_id}/hide", {"reason": "Insults"}).status_code == 302
    switch_to(learner)
    for url in (f"{BASE}/{thread_id}", f"{BASE}/posts/{reply_id}"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert "Abusive words" not in response.get_data(as_text=True)
    assert "Fine title" not in client.get(BASE, query_string={"q": "Abusive"}).get_data(as_text=True)
    assert client.submit(f"{BASE}/posts/{reply_id}/report", {"reason": "x"}).status_code == 404
    assert client.submit(f"{BASE}/posts/{reply_id}/answer").status_code in (400, 403, 302)
    db.session.rollback()
    assert db.session.get(Post, reply_id).is_answer is False
    switch_to(classmate)  # the author still reads it, with the reason
    page = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "Abusive words" in page and "Insults" in page


def test_the_thread_author_cannot_make_a_hidden_reply_the_answer(
    client, login, learner, classmate, trainer, switch_to, db
):
    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    reply_id = reply_to(client, thread_id, "Spam answer")
    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{reply_id}/hide", {"reason": "Spam"}).status_code == 302
    switch_to(learner)
    response = client.submit(f"{BASE}/posts/{reply_id}/answer")
    assert response.status_code in (302, 400)
    db.session.rollback()
    assert db.session.get(Post, reply_id).is_answer is False
    assert db.session.get(Thread, thread_id).answered is False


def test_hiding_the_opening_post_hides_the_threads_title_from_other_learners(
    client, login, learner, classmate, trainer, switch_to, db
):
    login(classmate)
    thread_id = start_thread(client, title="Abusive title", body="Abusive opening")
    post_id = db.session.execute(select(Post.id).where(Post.thread_id == thread_id)).scalar_one()
    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{post_id}/hide", {"reason": "Insults"}).status_code == 302
    switch_to(learner)
    assert "Abusive title" not in client.get(BASE).get_data(as_text=True)
    assert "Abusive title" not in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "Abusive title" not in client.get(f"{BASE}/posts/{post_id}").get_data(as_text=True)
    assert "Abusive title" not in client.get(BASE, query_string={"q": "Abusive"}).get_data(as_text=True)
    assert "Title hidden by a moderator" in client.get(BASE).get_data(as_text=True)
    # The moderators and the author still see it (the author with the moderator's reason).
    for who in (trainer, classmate):
        switch_to(who)
        assert "Abusive title" in client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    # Restored, it is back for everyone.
    switch_to(trainer)
    assert client.submit(f"{BASE}/posts/{post_id}/restore").status_code == 302
    switch_to(learner)
    assert "Abusive title" in client.get(BASE).get_data(as_text=True)


def test_two_identical_new_threads_sent_at_the_same_moment_make_one(
    app, client, login, learner, db, monkeypatch
):
    login(learner)
    client.get(BASE)
    request = (f"{BASE}/new", {"topic": "general", "title": "Twice", "body": "Clicked twice"})
    statuses = _race(app, client, monkeypatch, "_repeated", [request, request])
    assert sorted(statuses) == [302, 302]
    assert counts(db)[0] == 1


@pytest.mark.parametrize("page", ["-1", "abc", str(10**30)])
def test_any_page_number_of_the_moderation_page_gives_a_page(client, login, trainer, page):
    login(trainer)
    assert client.get(f"{BASE}/moderation", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("topic", ["<script>alert(1)</script>", "x" * 5000, "general\r\nX: 1"])
def test_a_hostile_topic_parameter_lists_every_topic_and_is_not_echoed(client, login, learner, topic):
    login(learner)
    for url in (BASE, f"{BASE}/new"):
        response = client.get(url, query_string={"topic": topic})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_two_answers_marked_at_the_same_moment_leave_one_answer(
    app, client, login, learner, classmate, switch_to, db, monkeypatch
):
    """Both requests have loaded their reply before either marks it; the thread's row lock makes
    the second clear the first's answer (before, on PostgreSQL, both stayed answers)."""
    import threading

    from lms.discussions import queries

    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    first, second = reply_to(client, thread_id, "Answer one"), reply_to(client, thread_id, "Answer two")
    switch_to(learner)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = client.csrf_token()
    met = threading.Barrier(2, timeout=3)
    original = queries.post_in_course

    def loaded_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            met.wait()
        return found

    monkeypatch.setattr(queries, "post_in_course", loaded_then_wait)
    statuses = []

    def mark(post_id):
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        statuses.append(other.post(f"{BASE}/posts/{post_id}/answer", data={"csrf_token": token}).status_code)

    workers = [threading.Thread(target=mark, args=(post_id,)) for post_id in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert statuses == [302, 302]
    db.session.rollback()
    answers = db.session.execute(
        select(Post.id).where(Post.thread_id == thread_id, Post.is_answer.is_(True))
    ).all()
    assert len(answers) == 1
    assert db.session.get(Thread, thread_id).answered is True


def test_a_long_posts_plain_excerpt_stays_escaped(client, login, learner, trainer, switch_to, db):
    """The excerpt is the post's text with the HTML taken off and entities decoded: written
    `&lt;script&gt;` becomes `<script>` there, which every page must escape."""
    login(learner)
    body = "&lt;script&gt;alert(1)&lt;/script&gt; " + "word " * 3000
    thread_id = start_thread(client, title="Long", body=body)
    db.session.rollback()
    post = db.session.execute(select(Post).where(Post.thread_id == thread_id)).scalar_one()
    assert post.excerpt and "<script>" in post.excerpt
    for who, url in ((learner, f"{BASE}/{thread_id}"), (trainer, f"{BASE}/posts/{post.id}/hide")):
        switch_to(who)
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page
