"""In a browser without JavaScript: a learner starts a thread from the course page, a classmate
replies in Arabic, and the course's trainer hides the reply with a reason that only they (and
its author) see."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.courses.models import CourseTrainer
from lms.roles import Role
from tests import factories

pytestmark = pytest.mark.browser

REPLY = "يمكنك استخدام أسلوب APA للاستشهاد بمقطع فيديو."
REASON = "Off topic for this module."


@pytest.fixture
def people(db):
    course = factories.make_course("browser-talk", modules=2, lessons=1, quiz=False, title="Teaching Online")
    learner = factories.make_user(full_name="Grace Wanjiru")
    classmate = factories.make_user(full_name="Layla Haddad")
    trainer = factories.make_user(role=Role.TRAINER, full_name="Tariq Trainer")
    for person in (learner, classmate):
        factories.enrol(person, course)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return learner, classmate, trainer


def sign_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return context, page


def test_post_a_thread_reply_and_a_trainer_hides_the_reply(browser, live_server, people):
    learner, classmate, trainer = people
    contexts = []
    try:
        context, page = sign_in(browser, live_server, learner)
        contexts.append(context)
        page.goto("/courses/browser-talk")
        page.get_by_role("link", name="Discussions: ask and answer").click()
        page.get_by_role("link", name="Start a thread").click()
        page.get_by_label("Topic").select_option(label="Module 1")
        page.get_by_label("Title").fill("How do I cite a video?")
        page.get_by_label("Your message").fill("Is there a **style** for it?")
        page.get_by_role("button", name="Start the thread").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("How do I cite a video?")
        expect(page.locator(".post-body strong")).to_have_text("style")
        thread_url = page.url

        context, page = sign_in(browser, live_server, classmate)
        contexts.append(context)
        page.goto("/courses/browser-talk/discussions?topic=m1")
        page.get_by_role("link", name="How do I cite a video?").click()
        page.get_by_label("Your reply").fill(REPLY)
        page.get_by_role("button", name="Send the reply").click()
        reply = page.locator("article.post").nth(1)
        expect(reply.locator(".post-body")).to_have_text(REPLY)
        # Arabic in an English page: the browser gives the post the direction of its text.
        assert reply.locator(".post-body").evaluate("e => getComputedStyle(e).direction") == "rtl"

        context, page = sign_in(browser, live_server, trainer)
        contexts.append(context)
        page.goto(thread_url)
        page.locator("article.post").nth(1).get_by_role("link", name="Hide").click()
        page.get_by_role("button", name="Hide the post").click()  # no reason yet
        expect(page.get_by_text("Give a reason.").first).to_be_visible()
        page.get_by_label("Reason").fill(REASON)
        page.get_by_role("button", name="Hide the post").click()
        expect(page.get_by_text("The post is hidden.")).to_be_visible()
        expect(page.locator("article.post").nth(1)).to_contain_text(REASON)
        expect(page.get_by_role("button", name="Restore")).to_be_visible()

        learner_page = contexts[0].pages[0]
        learner_page.goto(thread_url)
        hidden = learner_page.locator("article.post").nth(1)
        expect(hidden).to_contain_text("Hidden by a moderator.")
        expect(hidden).not_to_contain_text(REPLY)
        expect(hidden).not_to_contain_text(REASON)
    finally:
        for context in contexts:
            context.close()
