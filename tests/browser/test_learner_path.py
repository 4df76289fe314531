"""A newcomer's whole path in a real browser, without JavaScript: register, find a course,
enrol, read lessons, fail then pass a quiz, and reach 100%."""

import pytest
from playwright.sync_api import expect

from tests import factories, mailbox

pytestmark = pytest.mark.browser


@pytest.fixture
def small_course(db):
    course = factories.make_course(
        "ict-basics", modules=1, lessons=2, questions=2, title="ICT Basics for Lecturers"
    )
    db.session.commit()
    return course


def test_newcomer_learns_and_completes_a_course(app, page, small_course):
    page.goto("/register")
    page.get_by_label("Full name").fill("Chanthou Sok")
    page.get_by_label("Email address").fill("chanthou@rupp.edu.kh")
    page.get_by_label("Password").fill("lotus monsoon bridge 8")
    page.get_by_label("Country").select_option("KH")
    page.get_by_role("button", name="Create account").click()
    (link,) = [
        link for body in mailbox.bodies(app) for link in mailbox.links(body) if "/register/confirm/" in link
    ]
    page.goto(link.removeprefix("http://localhost"))
    page.get_by_label("Password").fill("lotus monsoon bridge 8")
    page.get_by_role("button", name="Confirm and sign in").click()

    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_label("Search").fill("basics")
    page.get_by_role("button", name="Find courses").click()
    page.get_by_role("link", name="ICT Basics for Lecturers").click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled")).to_be_visible()

    expect(page.get_by_role("heading", name="Lesson 1.1")).to_be_visible()
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", name="Lesson 1.2")).to_be_visible()
    page.get_by_role("button", name="Mark as complete and continue").click()

    expect(page.get_by_role("heading", name="Quiz 1")).to_be_visible()
    for question in (1, 2):
        page.get_by_role("group", name=f"Question {question} of module 1?").get_by_label(
            "Wrong answer"
        ).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Not passed yet")).to_be_visible()

    page.get_by_role("link", name="Try again").click()
    for question in (1, 2):
        page.get_by_role("group", name=f"Question {question} of module 1?").get_by_label(
            "Right answer"
        ).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Congratulations! You have completed this course.")).to_be_visible()

    page.get_by_role("link", name="My learning").click()
    assert page.locator("progress").first.get_attribute("value") == "100"
    expect(page.get_by_text("Completed on")).to_be_visible()
