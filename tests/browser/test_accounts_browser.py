"""A newcomer registers, signs out and signs in again, in a real browser without JavaScript."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_newcomer_registers_signs_out_and_signs_in(page):
    page.goto("/register")
    page.get_by_label("Full name").fill("Nguyễn Thị Phương")
    page.get_by_label("Email address").fill("phuong@example.edu.vn")
    page.get_by_label("Password").fill("mango river lantern 42")
    page.get_by_label("Woman", exact=True).check()
    page.get_by_label("Country").select_option("VN")
    page.get_by_label("Institution").fill("Hue University")
    page.get_by_label("Your role").select_option("faculty")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_text("Signed in as Nguyễn Thị Phương.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()

    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email address").fill("PHUONG@example.edu.vn")
    page.get_by_label("Password").fill("mango river lantern 42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Nguyễn Thị Phương.")).to_be_visible()


def test_wrong_password_shows_an_error_tied_to_the_form(page, make_user):
    user = make_user()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_role("alert").get_by_text("The email address or password is not correct.")
    ).to_be_visible()


def test_keyboard_user_reaches_main_content_through_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
