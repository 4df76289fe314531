"""A newcomer who uses only the keyboard, without JavaScript: register, confirm, find and enrol
in a course, read its lessons, pass its quiz and reach the certificate. Every control is
reached with Tab (never clicked), shows a visible focus ring, and is used with Enter or Space.
"""

import pytest
from playwright.sync_api import expect

from tests import factories, mailbox

pytestmark = pytest.mark.browser

MAX_TABS = 80


@pytest.fixture
def small_course(db):
    course = factories.make_course(
        "keyboard-course", modules=1, lessons=2, questions=2, title="Teaching by Keyboard"
    )
    db.session.commit()
    return course


def tab_to(page, target, backwards: bool = False) -> None:
    """Press Tab until `target` has the focus (at most MAX_TABS times), then check that the focus
    can be seen."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("element => element === document.activeElement"):
            ring = target.evaluate(
                "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
            )
            assert ring[0] != "none" and ring[1] != "0px" or ring[2] != "none", f"no visible focus: {ring}"
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


def fill_by_keyboard(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_a_keyboard_user_goes_from_registration_to_the_certificate(app, page, small_course):
    page.goto("/register")
    fill_by_keyboard(page, page.get_by_label("Full name"), "Nasrin Akter")
    fill_by_keyboard(page, page.get_by_label("Email address"), "nasrin@du.ac.bd")
    fill_by_keyboard(page, page.get_by_label("Password"), "river jasmine ferry 4")
    tab_to(page, page.get_by_label("Country"))
    page.keyboard.type("Bangladesh")
    expect(page.get_by_label("Country")).to_have_value("BD")
    tab_to(page, page.get_by_role("button", name="Create account"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    (link,) = [
        link for body in mailbox.bodies(app) for link in mailbox.links(body) if "/register/confirm/" in link
    ]
    page.goto(link.removeprefix("http://localhost"))  # following the link in the email
    fill_by_keyboard(page, page.get_by_label("Password"), "river jasmine ferry 4")
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("link", name="Courses", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Teaching by Keyboard"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Enrol"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are enrolled")).to_be_visible()

    for lesson in ("Lesson 1.1", "Lesson 1.2"):
        expect(page.get_by_role("heading", name=lesson)).to_be_visible()
        tab_to(page, page.get_by_role("button", name="Mark as complete and continue"))
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Quiz 1")).to_be_visible()
    for question in (1, 2):
        group = page.get_by_role("group", name=f"Question {question} of module 1?")
        tab_to(page, group.get_by_label("Right answer"))
        page.keyboard.press("Space")
        expect(group.get_by_label("Right answer")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Submit answers"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Congratulations! You have completed this course.")).to_be_visible()

    tab_to(page, page.get_by_role("main").get_by_role("link", name="Your certificate"))
    page.keyboard.press("Enter")
    download_link = page.get_by_role("link", name="Download PDF")
    tab_to(page, download_link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
