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
