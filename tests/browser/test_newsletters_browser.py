"""A reader subscribes in Chromium without JavaScript, confirms from the link of the mail that
arrived, and reads the archive; the pages pass axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.newsletters import services
from lms.newsletters.models import Subscriber
from lms.unit_of_work import unit_of_work
from tests import mailbox
from tests.browser.test_axe_and_phones import violations
from tests.hub.helpers import make_item

pytestmark = pytest.mark.browser


@pytest.fixture
def sent_issue(db):
    item = make_item(slug="browser-newsletter-item", title="Evening tutors in Dakar")
    issue = services.save_issue(
        None,
        subject="The December issue",
        language="en",
        introduction="Welcome.",
        item_ids=[item.id],
        author=None,
    )
    db.session.commit()
    with unit_of_work():
        services.start_sending(db.session.merge(issue))
    return issue.number


def test_subscribe_confirm_from_the_mail_and_read_the_archive(app, browser, live_server, db, sent_issue):
    mailbox.clear(app)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    found = []
    try:
        page = context.new_page()
        page.goto("/hub/newsletters/subscribe")
        page.get_by_label("Email address").fill("reader@example.org")
        page.get_by_label("English").check()
        page.get_by_label("Gender equality").check()
        page.get_by_role("button", name="Subscribe").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
        assert db.session.scalars(select(Subscriber)).all() == []
        [message] = mailbox.messages(app)
        [link] = [link for link in mailbox.links(message.get_content()) if "/confirm/" in link]
        page.goto(link.replace("http://localhost", live_server))
        page.get_by_role("button", name="Confirm").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Subscribed"
        page.get_by_role("link", name="Read past issues").click()
        page.get_by_role("link", name="The December issue").click()
        assert page.get_by_role("heading", level=1).inner_text() == "The December issue"
        assert page.get_by_role("link", name="Evening tutors in Dakar").is_visible()
        db.session.expire_all()
        [subscriber] = db.session.scalars(select(Subscriber))
        assert subscriber.values("theme") == ["gender-equality"]
        # The pages on the way pass axe-core (which needs JavaScript to run).
        checked = browser.new_context(base_url=live_server, bypass_csp=True, java_script_enabled=True)
        try:
            axe = checked.new_page()
            for url in ("/hub/newsletters/subscribe", "/hub/newsletters", f"/hub/newsletters/{sent_issue}"):
                axe.goto(url)
                found += [f"{url}: {v}" for v in violations(axe)]
        finally:
            checked.close()
    finally:
        context.close()
    assert not found, "axe-core:\n" + "\n".join(found)


def test_the_editors_and_link_pages_pass_axe_in_english_and_arabic(app, browser, live_server, db, sent_issue):
    from lms.roles import Role
    from tests import factories
    from tests.hub.newsletter_helpers import subscribe_confirmed

    factories.make_user(role=Role.ADMIN, email="editor@example.org")
    subscriber = subscribe_confirmed("axe@example.org", ["en"])
    item_id = services.issue_by_number(sent_issue).entries[0].item_id
    draft = services.save_issue(
        None, subject="مسودة", language="ar", introduction="**مرحبا**", item_ids=[item_id], author=None
    )
    unsubscribe = f"/hub/newsletters/unsubscribe/{services.unsubscribe_token(subscriber)}"
    db.session.commit()
    found = []
    for language in ("en", "ar"):
        context = browser.new_context(base_url=live_server, bypass_csp=True, java_script_enabled=True)
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        try:
            page = context.new_page()
            for url in (unsubscribe, "/hub/newsletters/confirm/forged"):
                page.goto(url)
                found += [f"{url} ({language}): {v}" for v in violations(page)]
            page.goto("/login")
            page.locator("main input[name=email]").fill("editor@example.org")
            page.locator("main input[name=password]").fill(factories.DEFAULT_PASSWORD)
            page.locator("main form button[type=submit]").click()
            for url in (
                "/hub/newsletters/manage",
                "/hub/newsletters/new",
                f"/hub/newsletters/{draft.number}/edit",
                f"/hub/newsletters/{draft.number}/preview",
            ):
                response = page.goto(url)
                assert response is not None and response.status == 200 and page.url.endswith(url), page.url
                found += [f"{url} ({language}): {v}" for v in violations(page)]
        finally:
            context.close()
    assert not found, "axe-core:\n" + "\n".join(found)
