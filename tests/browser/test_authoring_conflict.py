"""Two people save the same lesson: the second is told, sees both versions and keeps their text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.courses.models import CourseTrainer
from lms.extensions import db
from lms.roles import Role
from tests.authoring.helpers import build_draft
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def editor_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/authoring/phones/lessons/lesson-1-1")
    return context, page


def test_the_second_save_sees_the_conflict_and_keeps_its_text(app, browser, live_server, make_user):
    owner = make_user(role=Role.TRAINER, full_name="Ada Owner")
    colleague = make_user(role=Role.TRAINER, full_name="Ben Colleague")
    with app.app_context():
        draft = build_draft(db.session.get(type(owner), owner.id))
        db.session.add(CourseTrainer(course_id=draft.course_id, user_id=colleague.id))
        db.session.commit()
    first_context, first = editor_page(browser, live_server, owner)
    second_context, second = editor_page(browser, live_server, colleague)
    try:
        first.get_by_label("Lesson text (Markdown)").fill("Ada's version of the lesson.")
        second.get_by_label("Lesson text (Markdown)").fill("Ben's version, typed at the same time.")
        first.get_by_role("button", name="Save").click()
        expect(first.get_by_text("Lesson saved.")).to_be_visible()

        second.get_by_role("button", name="Save").click()
        expect(
            second.get_by_role("alert").get_by_text("This lesson changed since you opened it.")
        ).to_be_visible()
        conflict = second.get_by_role("region", name="This lesson changed since you opened it")
        assert "Ada Owner saved revision 3" in conflict.inner_text()
        assert second.get_by_label("Their text").input_value() == "Ada's version of the lesson.\n"
        assert (
            second.get_by_label("Lesson text (Markdown)").input_value()
            == "Ben's version, typed at the same time."
        )
        assert "+Ben's version, typed at the same time." in conflict.locator("pre").inner_text()

        # Saving again after seeing both versions is a deliberate choice, and it is accepted.
        second.get_by_role("button", name="Save").click()
        expect(second.get_by_text("Lesson saved.")).to_be_visible()
    finally:
        first_context.close()
        second_context.close()
