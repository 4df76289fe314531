"""A contribution through the real pages, without JavaScript: a faculty member submits a
practice, an editor accepts and publishes it, and it appears in /hub. (The axe/phone tour
visits these pages through the access matrix.)"""

from __future__ import annotations

import pytest

from lms.hub.submissions import HubEditor
from lms.roles import Role
from tests import factories
from tests.browser.test_discussions_browser import sign_in

pytestmark = pytest.mark.browser

TITLE = "Evening tutors for first-year mathematics"


@pytest.fixture
def people(db):
    contributor = factories.make_user(role=Role.LEARNER, full_name="Awa Diop")
    editor = factories.make_user(role=Role.LEARNER, full_name="Esi Editor")
    db.session.add(HubEditor(user_id=editor.id))
    db.session.commit()
    return contributor, editor


def test_submit_a_practice_an_editor_publishes_it_and_it_is_in_the_hub(browser, live_server, people):
    contributor, editor = people
    contexts = []
    try:
        context, page = sign_in(browser, live_server, contributor)
        contexts.append(context)
        page.goto("/hub/submit/practice")
        page.get_by_label("Title").fill(TITLE)
        page.get_by_label("Summary").fill("Senior students tutor first-years in the evening.")
        page.get_by_label("The problem").fill("41% passed first-year mathematics.")
        page.get_by_label("What was done").fill("Forty senior students ran evening tutorials.")
        page.get_by_label("Results").fill("The pass rate rose from 41% to 58%.")
        page.get_by_label("Cost", exact=True).fill("USD 12,000 a year.")
        page.get_by_label("What others can reuse").fill("The tutor training guide.")
        page.get_by_label("Contacts").fill("The dean of studies.")
        page.get_by_label("Country").select_option("SN")
        page.get_by_label("Themes").select_option(["blended-learning"])
        page.get_by_label("Audience").select_option(["faculty"])
        page.get_by_role("button", name="Submit for review").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == TITLE
        url = page.url

        context, page = sign_in(browser, live_server, editor)
        contexts.append(context)
        page.goto("/hub/review")
        page.get_by_role("link", name=TITLE).click()
        for decision in ("Accept", "Publish"):
            page.get_by_label(decision).check()
            page.get_by_role("button", name="Record the decision").click()
            page.wait_for_load_state()
            page.goto(url)
        assert "Published" in page.locator("main").inner_text()
        page.goto("/hub")
        assert TITLE in page.locator("main").inner_text()
    finally:
        for context in contexts:
            context.close()
