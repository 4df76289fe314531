"""Newsletters: double opt-in (a signed, expiring, single-use link; nothing sent before it), an
answer that is the same for every address, rate limits, one-click unsubscribe (RFC 8058) from the
sent message's headers, batches that a retry does not repeat, bounces, and the editors' pages."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.extensions import limiter
from lms.mail import record_bounce
from lms.newsletters import services
from lms.newsletters.models import Delivery, Issue, Subscriber, SubscriberChoice, SubscriptionRequest
from lms.roles import Role
from lms.unit_of_work import unit_of_work
from tests import mailbox
from tests.hub.helpers import make_item
from tests.hub.newsletter_helpers import subscribe_confirmed

SUBSCRIBE = "/hub/newsletters/subscribe"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def subscribe(client, email="reader@example.org", languages=("en",), themes=()):
    return client.submit(SUBSCRIBE, {"email": email, "languages": list(languages), "themes": list(themes)})


def confirmation_path(app) -> str:
    [message] = mailbox.messages(app)
    [link] = [link for link in mailbox.links(message.get_content()) if "/confirm/" in link]
    return link.removeprefix("http://localhost")


def page_text(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True))


def test_subscribing_mails_only_a_confirmation_and_subscribes_nobody_yet(app, client, db):
    response = subscribe(client, themes=["gender-equality"])
    assert response.status_code == 200 and "Check your inbox" in response.get_data(as_text=True)
    [message] = mailbox.messages(app)
    assert message["To"] == "reader@example.org" and "Confirm" in message["Subject"]
    assert "List-Unsubscribe" not in message
    assert count(db, Subscriber) == 0


def test_the_link_asks_first_then_subscribes_once_with_the_choices(app, client, db):
    subscribe(client, languages=["en", "fr"], themes=["gender-equality"])
    path = confirmation_path(app)
    asked = client.get(path)
    assert asked.status_code == 200 and '<form method="post">' in asked.get_data(as_text=True)
    assert count(db, Subscriber) == 0  # a mail scanner following the link subscribes nobody
    done = client.submit(path)
    assert done.status_code == 200 and "confirmed" in done.get_data(as_text=True)
    [subscriber] = db.session.scalars(select(Subscriber))
    assert (subscriber.email, subscriber.values("language"), subscriber.values("theme")) == (
        "reader@example.org", ["en", "fr"], ["gender-equality"]
    )  # fmt: skip
    assert count(db, SubscriptionRequest) == 0


def test_a_reused_link_gets_a_clear_page_and_writes_nothing(app, client, db):
    subscribe(client)
    path = confirmation_path(app)
    client.submit(path)
    choices = count(db, SubscriberChoice)
    for again in (client.get(path), client.submit(path)):
        assert again.status_code == 410
        assert "has been used already" in again.get_data(as_text=True)
    assert (count(db, Subscriber), count(db, SubscriberChoice)) == (1, choices)


def test_an_expired_link_gets_a_clear_page_and_writes_nothing(app, client, db, monkeypatch):
    subscribe(client)
    path = confirmation_path(app)
    monkeypatch.setitem(app.config, "NEWSLETTER_CONFIRMATION_MAX_AGE", -1)
    for response in (client.get(path), client.submit(path)):
        assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert count(db, Subscriber) == 0 and count(db, SubscriptionRequest) == 1


@pytest.mark.parametrize(
    "token",
    ["forged", "WzFd.bad", "x" * 5000, "WzFd\x00", "WyJhIl0.forged"],
    ids=["word", "bad", "huge", "nul", "str"],
)
def test_a_tampered_link_is_refused_and_writes_nothing(app, client, db, token):
    subscribe(client)
    real = confirmation_path(app).rsplit("/", 1)[1]
    for path in (f"/hub/newsletters/confirm/{token}", f"/hub/newsletters/confirm/{real[:-3]}abc"):
        response = client.submit(path)
        assert response.status_code in (400, 404)
        if "\x00" not in path:  # a NUL byte is refused before any view (lms.inputs)
            assert "<h1>This link cannot be used</h1>" in response.get_data(as_text=True)
    assert count(db, Subscriber) == 0


def test_two_confirmations_of_one_link_at_once_subscribe_once(app, client, db):
    subscribe(client)
    [request] = db.session.scalars(select(SubscriptionRequest))
    first, second = services.confirm(request), services.confirm(request)  # the second lost the race
    assert first is not None and second is None
    assert count(db, Subscriber) == 1


def test_an_unconfirmed_address_is_forgotten_once_its_link_expires(app, client, db):
    subscribe(client, email="never@example.org")
    db.session.execute(SubscriptionRequest.__table__.update().values(created_at=datetime(2020, 1, 1)))
    db.session.commit()
    subscribe(client, email="someone-else@example.org")
    assert db.session.scalars(select(SubscriptionRequest.email)).all() == ["someone-else@example.org"]


def test_a_link_for_another_request_cannot_be_forged_from_an_id(app, client, db):
    subscribe(client)
    other = services.URLSafeTimedSerializer("guessed-key", salt=services.CONFIRM_SALT).dumps([1])
    assert client.submit(f"/hub/newsletters/confirm/{other}").status_code == 400
    assert count(db, Subscriber) == 0


def test_the_answer_is_the_same_for_a_new_and_a_subscribed_address(app, client, db):
    subscribe_confirmed("known@example.org", ["en"])
    db.session.commit()
    known = subscribe(client, email="known@example.org")
    new = subscribe(client, email="new@example.org")
    assert (known.status_code, new.status_code) == (200, 200)
    assert page_text(known) == page_text(new)
    # Both get a confirmation link; the known one's changes its choices only once opened.
    assert sorted(m["To"] for m in mailbox.messages(app)) == ["known@example.org", "new@example.org"]


def test_a_subscriber_changes_their_choices_by_confirming_a_new_request(app, client, db):
    subscribe_confirmed("known@example.org", ["en"], ["accessibility"])
    db.session.commit()
    subscribe(client, email="known@example.org", languages=["fr", "ar"], themes=[])
    [subscriber] = db.session.scalars(select(Subscriber))
    assert subscriber.values("language") == ["en"]  # unchanged until the link is opened
    client.submit(confirmation_path(app))
    db.session.expire_all()
    [subscriber] = db.session.scalars(select(Subscriber))
    assert (subscriber.values("language"), subscriber.values("theme")) == (["fr", "ar"], [])


def test_one_address_gets_at_most_three_confirmation_mails_an_hour(app, client, db):
    answers = {page_text(subscribe(client, email="target@example.org")) for _ in range(5)}
    assert len(answers) == 1
    assert len(mailbox.messages(app)) == services.REQUESTS_PER_ADDRESS


def test_subscribing_is_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, NEWSLETTER_RATE_LIMIT="2 per minute")
    try:
        client = limited.test_client()
        codes = [subscribe(client, email=f"r{n}@example.org").status_code for n in range(3)]
        assert client.get(SUBSCRIBE).status_code == 200
    finally:
        limiter.reset()
        limiter.enabled = False
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    "email, languages, themes",
    [
        ("not an address", ["en"], []),
        ("nul\x00@example.org", ["en"], []),
        ("a" * 300 + "@example.org", ["en"], []),
        ("ok@example.org", [], []),
        ("ok@example.org", ["xx"], []),
        ("ok@example.org", ["en"], ["no-such-theme"]),
    ],
    ids=["syntax", "nul", "huge", "no-language", "bad-language", "bad-theme"],
)
def test_bad_input_is_a_form_error_with_nothing_written_or_sent(app, client, db, email, languages, themes):
    response = subscribe(client, email=email, languages=languages, themes=themes)
    assert response.status_code == 400
    assert count(db, SubscriptionRequest) == 0 and mailbox.messages(app) == []


# --- sending ------------------------------------------------------------------------------------


@pytest.fixture
def audience(app, db):
    """Five subscribers, of whom two get an English issue about gender equality."""
    item = make_item(slug="women-in-ict", title="Women in ICT", themes=("gender-equality",))
    people = {
        "theme@example.org": (["en"], ["gender-equality"]),
        "all@example.org": (["en", "ar"], []),
        "french@example.org": (["fr"], []),
        "other-theme@example.org": (["en"], ["accessibility"]),
        "bounced@example.org": (["en"], []),
    }
    for email, (languages, themes) in people.items():
        subscribe_confirmed(email, languages, themes)
    record_bounce("bounced@example.org", "550 no such user")
    issue = services.save_issue(
        None,
        subject="Issue one",
        language="en",
        introduction="**Hello** readers.",
        item_ids=[item.id],
        author=None,
    )
    db.session.commit()
    mailbox.clear(app)
    return issue


def send(issue) -> None:
    with unit_of_work():
        services.start_sending(issue)


def test_an_issue_goes_to_who_chose_its_language_and_a_matching_theme_or_none(app, db, audience):
    assert services.recipient_count(audience) == 2
    send(audience)
    messages = mailbox.messages(app)
    assert sorted(m["To"] for m in messages) == ["all@example.org", "theme@example.org"]
    body = messages[0].get_content()
    assert "Women in ICT" in body and "http://localhost/hub/practice/women-in-ict" in body
    db.session.expire_all()
    issue = db.session.get(Issue, audience.id)
    assert (issue.status, issue.recipients) == ("sent", 2)
    [logged] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "newsletter-sent"))
    assert logged.details == {"issue": issue.number, "language": "en"}


def test_sending_goes_in_batches(app, db, audience, monkeypatch):
    monkeypatch.setitem(app.config, "NEWSLETTER_BATCH_SIZE", 1)
    calls = []
    real = services.send_next_batch
    monkeypatch.setattr(
        services, "send_next_batch", lambda issue, size: calls.append(size) or real(issue, size)
    )
    send(audience)
    assert calls == [1, 1, 1]  # two batches of one, then the one that finds nobody left
    assert len(mailbox.messages(app)) == 2


def test_a_retried_batch_mails_no_one_twice(app, db, audience):
    with unit_of_work():  # a worker sent the first batch of one, then died before the next
        issue = db.session.get(Issue, audience.id)
        issue.status, issue.sent_at = "sending", datetime(2026, 12, 1)
        services.send_next_batch(issue, 1)
    for _ in range(2):  # the task comes again, twice
        services.send_batch.apply(args=(audience.id,))
        with unit_of_work():
            db.session.get(Issue, audience.id).status = "sending"
    services.send_batch.apply(args=(audience.id,))
    assert sorted(m["To"] for m in mailbox.messages(app)) == ["all@example.org", "theme@example.org"]
    assert count(db, Delivery) == 2


def test_sending_twice_sends_once(app, client, login, make_user, db, audience):
    login(make_user(role=Role.ADMIN))
    for _ in range(2):
        client.submit(f"/hub/newsletters/{audience.number}/send")
    assert len(mailbox.messages(app)) == 2


def test_one_click_unsubscribe_from_the_sent_headers_works_without_a_session(app, db, audience):
    send(audience)
    [message] = [m for m in mailbox.messages(app) if m["To"] == "theme@example.org"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip()
    assert url.startswith("<http") and url.endswith(">")
    path = url[1:-1].removeprefix("http://localhost")
    assert path in message.get_content()  # the same link in the text, for people
    anonymous = app.test_client()
    assert "<form" in anonymous.get(path).get_data(as_text=True) and count(db, Subscriber) == 5  # GET asks
    response = anonymous.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert services.subscriber_for("theme@example.org") is None
    assert anonymous.post(path, data="List-Unsubscribe=One-Click").status_code == 200  # a retry too
    # The next issue does not go to them.
    mailbox.clear(app)
    second = services.save_issue(
        None,
        subject="Two",
        language="en",
        introduction="",
        item_ids=[audience.entries[0].item_id],
        author=None,
    )
    db.session.commit()
    send(second)
    assert [m["To"] for m in mailbox.messages(app)] == ["all@example.org"]


def test_a_forged_unsubscribe_token_is_404_and_removes_nobody(app, db, audience):
    send(audience)
    path = mailbox.messages(app)[0]["List-Unsubscribe"].strip()[1:-1].removeprefix("http://localhost")
    anonymous = app.test_client()
    for forged in (path[:-3] + "abc", "/hub/newsletters/unsubscribe/" + "x" * 600):
        assert anonymous.post(forged, data="List-Unsubscribe=One-Click").status_code == 404
    assert count(db, Subscriber) == 5


def test_a_bounce_recorded_between_batches_stops_the_mail(app, db, audience):
    with unit_of_work():
        record_bounce("all@example.org", "mailbox full")
    send(audience)
    assert [m["To"] for m in mailbox.messages(app)] == ["theme@example.org"]


# --- editors ------------------------------------------------------------------------------------


def test_an_editor_composes_previews_tests_and_sends(app, client, login, make_user, db):
    item = make_item(slug="tutors", title="Evening tutors")
    make_item(slug="hidden-draft", title="Hidden draft", published=None)
    subscribe_confirmed("reader@example.org", ["en"])
    db.session.commit()
    editor = make_user(role=Role.ADMIN, email="editor@example.org")
    login(editor)
    form = client.get("/hub/newsletters/new").get_data(as_text=True)
    assert "Evening tutors" in form and "Hidden draft" not in form
    created = client.submit(
        "/hub/newsletters/new",
        {
            "subject": "December",
            "language": "en",
            "introduction": "<script>x</script>**Hi**",
            "items": [item.id],
        },
    )
    assert created.status_code == 302
    number = db.session.scalar(select(Issue.number).where(Issue.subject == "December"))
    preview = client.get(f"/hub/newsletters/{number}/preview").get_data(as_text=True)
    assert "<strong>Hi</strong>" in preview and "<script>" not in preview
    assert "mailed to 1 subscribers" in preview
    assert client.get(f"/hub/newsletters/{number}").status_code == 404  # not archived before sending
    client.submit(f"/hub/newsletters/{number}/test")
    [test] = mailbox.messages(app)
    assert test["To"] == "editor@example.org" and test["Subject"] == "[Test] December"
    assert "List-Unsubscribe" not in test and count(db, Delivery) == 0
    mailbox.clear(app)
    assert client.submit(f"/hub/newsletters/{number}/send").status_code == 302
    assert [m["To"] for m in mailbox.messages(app)] == ["reader@example.org"]
    archive = client.get("/hub/newsletters").get_data(as_text=True)
    assert "December" in archive
    assert client.get(f"/hub/newsletters/{number}").status_code == 200
    assert client.get(f"/hub/newsletters/{number}/edit").status_code == 409  # sent: no more changes


@pytest.mark.parametrize(
    "introduction", ["> " * 200 + "deep", "x" * 20001, "*" * 5000 + "a"], ids=["nested", "huge", "stars"]
)
def test_an_introduction_the_renderer_refuses_is_a_form_error(client, login, make_user, db, introduction):
    item = make_item(slug="for-intro")
    db.session.commit()
    login(make_user(role=Role.ADMIN))
    response = client.submit(
        "/hub/newsletters/new",
        {"subject": "S", "language": "en", "introduction": introduction, "items": [item.id]},
    )
    assert response.status_code in (302, 400)  # refused on the form, or accepted and safe: never a 500
    if response.status_code == 400:
        assert count(db, Issue) == 0


def test_the_subscribe_form_starts_with_the_interface_language(client):
    client.submit("/language", {"language": "fr"})
    page = client.get(SUBSCRIBE).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="fr"|<input[^>]*value="fr"[^>]*checked', page)


@pytest.mark.parametrize("items", ["draft", "unknown", "none"])
def test_an_issue_picks_published_items_only(client, login, make_user, db, items):
    draft = make_item(slug="a-draft", published=None)
    db.session.commit()
    login(make_user(role=Role.ADMIN))
    chosen = {"draft": [draft.id], "unknown": [987654], "none": []}[items]
    response = client.submit(
        "/hub/newsletters/new", {"subject": "S", "language": "en", "introduction": "", "items": chosen}
    )
    assert response.status_code == 400
    assert count(db, Issue) == 0


def test_the_archive_lists_sent_issues_in_few_queries(client, db, count_queries, audience):
    send(audience)
    client.get("/hub/newsletters")
    with count_queries() as one:
        client.get("/hub/newsletters")
    for n in range(5):
        issue = services.save_issue(
            None, subject=f"Issue {n}", language="en", introduction="", item_ids=[audience.entries[0].item_id],
            author=None,
        )  # fmt: skip
        issue.status, issue.sent_at = "sent", datetime(2026, 11, n + 1)
    db.session.commit()
    with count_queries() as six:
        page = client.get("/hub/newsletters").get_data(as_text=True)
    assert "Issue 4" in page and six.count == one.count


def test_an_address_is_erased_from_the_command_line(app, db, runner):
    subscribe_confirmed("erase-me@example.org", ["en"])
    db.session.add(SubscriptionRequest(email="erase-me@example.org", languages="fr", themes=""))
    db.session.commit()
    result = runner.invoke(args=["newsletters", "erase", "Erase-Me@example.org"])
    assert result.exit_code == 0 and "Erased." in result.output
    assert (
        count(db, Subscriber) == 0
        and count(db, SubscriptionRequest) == 0
        and count(db, SubscriberChoice) == 0
    )
    again = runner.invoke(args=["newsletters", "erase", "erase-me@example.org"])
    assert "Nothing was kept" in again.output
