"""A trainer builds a course in the browser (no JavaScript) and a learner takes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.roles import Role
from tests.authoring.helpers import PNG
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def add_lesson(page, title: str, body: str):
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_role("button", name="Add lesson").click()
    page.get_by_label("Minutes to study").fill("5")
    page.get_by_label("Lesson text (Markdown)").fill(body)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()


def test_trainer_builds_and_publishes_a_course_and_a_learner_passes_it(page, make_user, tmp_path):
    trainer = make_user(role=Role.TRAINER, full_name="Grace Trainer")
    learner = make_user(role=Role.LEARNER, full_name="Kofi Learner")
    image = tmp_path / "classroom.png"
    image.write_bytes(PNG)

    sign_in(page, trainer)
    page.get_by_role("link", name="Authoring").click()
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Title").fill("Mobile learning basics")
    page.get_by_label("Summary").fill("Teach with the phones your students have.")
    page.get_by_label("Estimated hours of study").fill("2")
    page.get_by_label("Learning outcomes").fill("Plan a phone-friendly activity.")
    page.get_by_label("Quiz pass mark (percent)").fill("50")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_text("Course created.")).to_be_visible()

    page.get_by_label("Title", exact=True).fill("Phones in class")
    page.get_by_role("button", name="Add module").click()
    page.get_by_label("Title", exact=True).fill("Why phones")
    page.get_by_role("button", name="Add lesson").click()

    # Preview shows the rendered lesson without saving it.
    lesson_url = page.url
    page.get_by_label("Minutes to study").fill("5")
    page.get_by_label("Lesson text (Markdown)").fill("## Reach\n\nMost students **own a phone**.")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: what learners will see")
    expect(preview.get_by_role("heading", name="Reach")).to_be_visible()
    assert preview.locator("strong").inner_text() == "own a phone"

    # Upload an image and paste its snippet into the lesson.
    page.get_by_role("link", name="Upload an image").click()
    page.get_by_label("Image file").set_input_files(str(image))
    page.get_by_label("Description for people who cannot see the image").fill("Students with phones")
    page.get_by_role("button", name="Upload image").click()
    snippet = page.get_by_label("Markdown snippet").input_value()
    assert re.fullmatch(r"!\[Students with phones\]\(/media/[0-9a-f]{64}\.png\)", snippet)
    page.goto(lesson_url)
    page.get_by_label("Lesson text (Markdown)").fill(
        f"## Reach\n\nMost students **own a phone**.\n\n{snippet}\n"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Students with phones")).to_be_visible()

    # A quiz with one question.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Phones in class").click()
    page.get_by_role("link", name="Add a quiz to this module").click()
    page.get_by_role("button", name="Create quiz").click()
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("One correct answer").check()  # the type first: then only its fields show
    page.get_by_role("button", name="Choose this type").click()
    page.get_by_label("Question", exact=True).fill("Do most students own a phone?")
    first = page.get_by_role("group", name="Answer 1")
    first.get_by_label("Answer text").fill("Yes")
    first.get_by_label("This answer is correct").check()
    first.get_by_label("Feedback shown after the attempt").fill("Right: plan for phones.")
    page.get_by_role("group", name="Answer 2").get_by_label("Answer text").fill("No")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved in the draft.")).to_be_visible()

    # A second module.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Mobile learning basics"
    ).click()
    page.get_by_label("Title", exact=True).fill("Wrapping up")
    page.get_by_role("button", name="Add module").click()
    add_lesson(page, "Next steps", "Try one activity next week.")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Mobile learning basics"
    ).click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published as version 1.0. Learners see it now.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The learner enrols, reads, passes the quiz and completes the course.
    sign_in(page, learner)
    page.goto("/courses")
    page.get_by_role("link", name="Mobile learning basics").click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    expect(page.get_by_role("heading", name="Why phones", level=1)).to_be_visible()
    image_element = page.get_by_role("img", name="Students with phones")
    assert image_element.evaluate("img => img.complete && img.naturalWidth") == 1
    page.get_by_role("button", name="Mark as complete and continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Passed.")).to_be_visible()
    page.goto(page.url.split("/quizzes/")[0] + "/lessons/next-steps")
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_text("Congratulations! You have completed this course.")).to_be_visible()
