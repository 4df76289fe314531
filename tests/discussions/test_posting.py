"""Learners and trainers of a course start threads, reply, search and mark answers; nobody else
reads or writes; every refused post is a clear message with nothing written."""

from __future__ import annotations

from sqlalchemy import select

from lms.discussions.events import reply_published
from tests.discussions.conftest import BASE, counts, reply_to, start_thread


def test_an_enrolled_learner_starts_a_thread_and_a_classmate_replies(
    client, login, learner, classmate, switch_to
):
    login(learner)
    thread_id = start_thread(client, topic="m1")
    switch_to(classmate)
    reply_to(client, thread_id, "Use the **APA** format.")
    html = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "How do I cite a video?" in html
    assert "<em>style</em>" in html and "<strong>APA</strong>" in html
    assert "Grace Wanjiru" in html and "Ana Sousa" in html
    assert 'class="post-body" dir="auto"' in html
    listing = client.get(f"{BASE}?topic=m1").get_data(as_text=True)
    assert "How do I cite a video?" in listing and "1 reply" in listing
    assert "How do I cite a video?" not in client.get(f"{BASE}?topic=m2").get_data(as_text=True)


def test_the_course_page_links_to_the_discussions_only_for_participants(
    client, login, learner, course, make_user
):
    login(learner)
    assert f'href="{BASE}"' in client.get("/courses/ict-basics").get_data(as_text=True)
    client.submit("/logout")
    login(make_user())
    assert f'href="{BASE}"' not in client.get("/courses/ict-basics").get_data(as_text=True)


def test_someone_not_enrolled_can_neither_read_nor_post(client, login, learner, make_user, db, switch_to):
    login(learner)
    thread_id = start_thread(client)
    switch_to(make_user(full_name="Outsider"))
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/{thread_id}").status_code == 403
    before = counts(db)
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "Let me in"})
    assert response.status_code == 403
    assert "Enrol" in response.get_data(as_text=True)
    assert client.submit(f"{BASE}/new", {"topic": "general", "title": "Hi", "body": "x"}).status_code == 403
    assert counts(db) == before


def test_a_learner_who_left_the_course_can_no_longer_post(client, login, learner, db):
    login(learner)
    thread_id = start_thread(client)
    client.submit("/courses/ict-basics/leave")
    before = counts(db)
    assert client.submit(f"{BASE}/{thread_id}/replies", {"body": "Still here?"}).status_code == 403
    assert counts(db) == before


def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(client, course):
    response = client.get(BASE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_post_over_the_size_limit_is_refused_with_a_message(client, login, learner, db, app):
    login(learner)
    thread_id = start_thread(client)
    before = counts(db)
    limit = app.config["DISCUSSION_POST_MAX_CHARS"]
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "a" * (limit + 1)})
    assert response.status_code == 400
    assert "at most 20,000 characters" in response.get_data(as_text=True)
    assert counts(db) == before
    assert client.submit(f"{BASE}/{thread_id}/replies", {"body": "a" * limit}).status_code == 302


def test_an_empty_post_and_an_empty_title_are_refused(client, login, learner, db):
    login(learner)
    response = client.submit(f"{BASE}/new", {"topic": "general", "title": "  ", "body": " \n "})
    assert response.status_code == 400
    assert "Give the thread a title." in response.get_data(as_text=True)
    assert counts(db) == (0, 0, 0)


def test_a_nul_byte_is_refused_with_a_message_and_nothing_is_written(client, login, learner, db):
    login(learner)
    thread_id = start_thread(client)
    before = counts(db)
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "bad\x00byte"})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
    assert counts(db) == before


def test_an_unknown_topic_is_refused(client, login, learner, db):
    login(learner)
    response = client.submit(f"{BASE}/new", {"topic": "m99", "title": "Hello", "body": "Text"})
    assert response.status_code == 400
    assert counts(db) == (0, 0, 0)


def test_a_locked_thread_refuses_replies_until_a_trainer_unlocks_it(
    client, login, learner, trainer, db, switch_to
):
    login(learner)
    thread_id = start_thread(client)
    switch_to(trainer)
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "1"}).status_code == 302
    switch_to(learner)
    before = counts(db)
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "One more thing"})
    assert response.status_code == 409
    assert "This thread is locked" in response.get_data(as_text=True)
    assert counts(db) == before
    assert client.submit(f"{BASE}/{thread_id}/lock", {"value": "0"}).status_code == 403
    switch_to(trainer)
    client.submit(f"{BASE}/{thread_id}/lock", {"value": "0"})
    client.submit(f"{BASE}/{thread_id}/lock", {"value": "0"})  # a double submit leaves it unlocked
    switch_to(learner)
    reply_to(client, thread_id)


def test_posting_too_fast_is_refused_with_a_429_and_nothing_written(
    client, login, learner, db, monkeypatch, app
):
    monkeypatch.setitem(app.config, "DISCUSSION_POSTS_PER_MINUTE", 2)
    login(learner)
    thread_id = start_thread(client)
    reply_to(client, thread_id)
    before = counts(db)
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": "Third in a minute"})
    assert response.status_code == 429
    assert "You are posting too fast" in response.get_data(as_text=True)
    response = client.submit(f"{BASE}/new", {"topic": "general", "title": "Another", "body": "Text"})
    assert response.status_code == 429
    assert counts(db) == before


def test_markdown_is_sanitised_and_ids_do_not_repeat_between_posts(
    client, login, learner, classmate, switch_to
):
    body = "## Steps\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](https://evil.example/t.png)\n\nNote[^1]\n\n[^1]: A footnote."
    login(learner)
    thread_id = start_thread(client, body=body)
    switch_to(classmate)
    reply_to(client, thread_id, body)
    html = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html and "evil.example" not in html
    ids = [part.split('"', 1)[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), "an id is repeated on the page"
    assert sum(1 for i in ids if i.endswith("-h-steps")) == 2


def test_other_courses_posts_and_unknown_ids_are_404(client, login, learner, db, make_user):
    from tests import factories

    other = factories.make_course("other-course", modules=1, lessons=1)
    factories.enrol(learner, other)
    db.session.commit()
    login(learner)
    client.submit(
        "/courses/other-course/discussions/new", {"topic": "general", "title": "Elsewhere", "body": "Text"}
    )
    from sqlalchemy import select

    from lms.discussions.models import Post, Thread

    thread_id = db.session.execute(select(Thread.id)).scalar_one()
    post_id = db.session.execute(select(Post.id)).scalar_one()
    assert client.get(f"{BASE}/{thread_id}").status_code == 404
    assert client.get(f"{BASE}/posts/{post_id}").status_code == 404
    assert client.submit(f"{BASE}/{thread_id}/replies", {"body": "wrong course"}).status_code == 404
    assert client.get(f"{BASE}/99999999999999").status_code == 404


def test_the_author_or_a_trainer_marks_the_answer_and_no_one_else(
    client, login, learner, classmate, trainer, make_user, course, switch_to
):
    login(learner)
    thread_id = start_thread(client)
    switch_to(classmate)
    answer_id = reply_to(client, thread_id)
    assert client.submit(f"{BASE}/posts/{answer_id}/answer").status_code == 403
    switch_to(learner)
    assert client.submit(f"{BASE}/posts/{answer_id}/answer").status_code == 302
    assert "Answered" in client.get(BASE).get_data(as_text=True)
    html = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "post-answer" in html and "Unmark the answer" in html
    switch_to(trainer)
    client.submit(f"{BASE}/posts/{answer_id}/answer")  # the same button again: unmarked
    assert "Answered" not in client.get(BASE).get_data(as_text=True)


def test_trainers_pin_threads_to_the_top(client, login, learner, trainer, switch_to):
    login(learner)
    first = start_thread(client, title="First question")
    start_thread(client, title="Second question")
    listing = client.get(BASE).get_data(as_text=True)
    assert listing.index("Second question") < listing.index("First question")
    assert client.submit(f"{BASE}/{first}/pin", {"value": "1"}).status_code == 403
    switch_to(trainer)
    assert client.submit(f"{BASE}/{first}/pin", {"value": "1"}).status_code == 302
    assert client.submit(f"{BASE}/{first}/pin", {"value": "yes"}).status_code == 400
    listing = client.get(BASE).get_data(as_text=True)
    assert listing.index("First question") < listing.index("Second question")


def test_search_finds_titles_and_bodies_and_takes_wildcards_literally(client, login, learner):
    login(learner)
    start_thread(client, title="Plagiarism software", body="Which tool checks 100% of essays?")
    start_thread(client, title="Video lectures", body="How long should they be?")
    found = client.get(f"{BASE}?q=plagiarism").get_data(as_text=True)
    assert "Plagiarism software" in found and "Video lectures" not in found
    found = client.get(f"{BASE}?q=100%25").get_data(as_text=True)
    assert "Plagiarism software" in found and "Video lectures" not in found
    assert "Video lectures" not in client.get(f"{BASE}?q=%25").get_data(as_text=True)
    assert "Video lectures" not in client.get(f"{BASE}?q=_").get_data(as_text=True)
    assert "Nothing matches" in client.get(f"{BASE}?q=astronomy").get_data(as_text=True)


def test_a_reply_sends_reply_published_with_the_post(client, login, learner, classmate, switch_to):
    received = []

    def receiver(post, thread):
        received.append((post.id, post.body, thread.id))

    reply_published.connect(receiver)
    try:
        login(learner)
        thread_id = start_thread(client)
        assert received == []  # an opening post is not a reply
        switch_to(classmate)
        post_id = reply_to(client, thread_id, "Here is how.")
    finally:
        reply_published.disconnect(receiver)
    assert received == [(post_id, "Here is how.", thread_id)]


def test_long_posts_show_an_excerpt_and_their_own_page_shows_all(client, login, learner):
    login(learner)
    long_text = "\n\n".join(f"Paragraph {n} " + "word " * 80 for n in range(12))
    thread_id = start_thread(client)
    post_id = reply_to(client, thread_id, long_text)
    html = client.get(f"{BASE}/{thread_id}").get_data(as_text=True)
    assert "Paragraph 0" in html and "Paragraph 11" not in html and "Read the whole post" in html
    assert "Paragraph 11" in client.get(f"{BASE}/posts/{post_id}").get_data(as_text=True)


def test_the_same_form_sent_twice_makes_one_post(client, login, learner, db):
    login(learner)
    first = start_thread(client)
    assert start_thread(client) == first
    reply_id = reply_to(client, first, "Thanks!")
    assert reply_to(client, first, "Thanks!") == reply_id
    assert counts(db) == (1, 2, 0)


def test_the_rate_limit_counts_the_account_not_the_device(client, login, learner, db, monkeypatch, app):
    """A second browser (another session) of the same account is no escape."""
    monkeypatch.setitem(app.config, "DISCUSSION_POSTS_PER_MINUTE", 2)
    login(learner)
    thread_id = start_thread(client)
    reply_to(client, thread_id, "One")
    other_device = app.test_client()
    other_device.submit("/login", {"email": learner.email, "password": "a long test passphrase"})
    response = other_device.submit(f"{BASE}/{thread_id}/replies", {"body": "Two"})
    assert response.status_code == 429
    assert counts(db) == (1, 2, 0)


def test_concurrent_reports_of_one_post_make_one_report(app, learner, classmate, course, db):
    """Two requests reporting the same post at once (a double click): the database keeps one."""
    import threading

    from lms.accounts.models import User
    from lms.discussions import services
    from lms.discussions.models import Post
    from lms.unit_of_work import unit_of_work

    with app.test_request_context():
        services.start_thread(course, classmate, module_id=None, title="T", body="B", moderator=False)
        db.session.commit()
        post_id = db.session.execute(select(Post.id)).scalar_one()
    barrier = threading.Barrier(2)
    results = []

    def report():
        with app.app_context():
            try:
                with app.test_request_context(), unit_of_work():
                    post = db.session.get(Post, post_id)
                    reporter = db.session.get(User, learner.id)
                    barrier.wait()
                    results.append(services.report(post, reporter, "Spam."))
            finally:
                db.session.remove()

    workers = [threading.Thread(target=report) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results) == [False, True]
    assert counts(db)[2] == 1
