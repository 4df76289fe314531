"""A trainer's and an administrator's daily work in a browser without JavaScript: a removal is
confirmed on its own page and undone from the removed items; a true/false question is two
choices; the cohort template downloads."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from lms.enrolment.cohort import COLUMNS, EXAMPLE_ROW
from lms.extensions import db
from lms.roles import Role
from tests import factories
from tests.authoring.helpers import build_draft
from tests.browser.test_authoring_course import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def trainer_with_draft(app, make_user):
    trainer = make_user(role=Role.TRAINER, full_name="Grace Trainer")
    with app.app_context():
        build_draft(db.session.merge(trainer), "daily", modules=2, lessons=2)
        db.session.commit()
    return trainer


def test_a_removal_is_confirmed_then_undone_from_the_removed_items(page, trainer_with_draft):
    sign_in(page, trainer_with_draft)
    page.goto("/authoring/daily/modules/module-1")
    lessons = page.get_by_role("list").filter(has_text="Lesson 1.1")
    lessons.get_by_role("link", name="Remove Lesson 1.2").click()

    # The confirmation page says what goes; going back removes nothing.
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove the lesson “Lesson 1.2”?")
    expect(page.get_by_text("with its revision history (2 revisions)")).to_be_visible()
    page.get_by_role("link", name="Cancel and go back").click()
    expect(page.get_by_role("link", name="Lesson 1.2", exact=True)).to_be_visible()

    page.get_by_role("link", name="Remove Lesson 1.2").click()
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_text("Lesson “Lesson 1.2” removed from the draft.")).to_be_visible()
    expect(page.get_by_role("link", name="Lesson 1.2", exact=True)).to_have_count(0)

    # Undo: the removed items page restores it, with its history and a new revision.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Teaching with phones").click()
    page.get_by_role("link", name="Removed items").click()
    expect(page.get_by_text("Removed by Grace Trainer")).to_be_visible()
    page.get_by_role("button", name="Restore Lesson 1.2").click()
    expect(page.get_by_text("“Lesson 1.2” restored in the draft.")).to_be_visible()
    expect(page.get_by_label("Lesson text (Markdown)")).to_have_value("## Part 1.2\n\nText 1.2.\n")
    page.get_by_role("link", name="Revision history").click()
    expect(page.get_by_text("restored after removal")).to_be_visible()
    expect(page.get_by_role("heading", name="Revision 3")).to_be_visible()


def test_a_true_false_question_is_two_choices(page, trainer_with_draft):
    sign_in(page, trainer_with_draft)
    page.goto("/authoring/daily/modules/module-1/quiz")
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("True or false").check()
    page.get_by_role("button", name="Choose this type").click()
    expect(page.get_by_label("Answer text")).to_have_count(0)
    page.get_by_label("Question", exact=True).fill("Most students own a phone.")
    page.get_by_role("group", name="Which answer is correct?").get_by_label("True").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved in the draft.")).to_be_visible()
    expect(page.get_by_role("link", name="Most students own a phone.", exact=True)).to_be_visible()


def test_the_administrator_downloads_the_cohort_template(page, app, make_user):
    admin = make_user(role=Role.ADMIN)
    with app.app_context():
        factories.make_course("cohort-course")
        db.session.commit()
    sign_in(page, admin)
    page.goto("/admin/courses/cohort-course/cohort")
    expect(page.get_by_role("cell", name="Institutional leader or administrator", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download a template CSV file").click()
    download = download_info.value
    assert download.suggested_filename == "cohort-template.csv"
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert rows == [list(COLUMNS), list(EXAMPLE_ROW)]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_new_pages_pass_axe_and_fit_a_phone(browser, live_server, trainer_with_draft, language):
    """The pages of this work, checked as the tour checks every page (axe-core, WCAG 2.2 AA;
    nothing wider than 320 pixels), with a removal listed. axe is a script: this context runs
    scripts and bypasses the pages' Content-Security-Policy, as the tour's do."""
    from tests.browser.test_axe_and_phones import WIDER_THAN_THE_SCREEN, violations

    context = browser.new_context(base_url=live_server, bypass_csp=True, locale=language,
                                  extra_http_headers={"Accept-Language": language})  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_as(page, trainer_with_draft)
        page.goto("/authoring/daily/lessons/lesson-2-2/remove")
        page.locator("form button.button-danger").click()
        page.wait_for_url("**/modules/module-2")
        pages = [
            "/authoring/daily/modules/module-1/remove", "/authoring/daily/lessons/lesson-1-1/remove",
            "/authoring/daily/modules/module-1/quiz/questions/q1/remove", "/authoring/daily/removed",
            "/authoring/daily/modules/module-1/quiz/questions/new",
            "/authoring/daily/modules/module-1/quiz/questions/new?kind=true-false",
            "/authoring/daily/modules/module-1/quiz/questions/q1", "/authoring/daily/details",
        ]  # fmt: skip
        found, too_wide = [], []
        for url in pages:
            page.goto(url)
            page.set_viewport_size({"width": 1280, "height": 800})
            found += [f"{url}: {v}" for v in violations(page)]
            page.set_viewport_size({"width": 320, "height": 640})
            too_wide += [f"{url}: {p}" for p in page.evaluate(WIDER_THAN_THE_SCREEN)]
    finally:
        context.close()
    assert not found, "\n".join(found)
    assert not too_wide, "\n".join(too_wide)


def sign_in_as(page, user):
    """Sign in by the form's field names (its labels are in the page's language)."""
    from tests.factories import DEFAULT_PASSWORD

    page.goto("/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url("**/")
