"""A newcomer registers, signs out and signs in again, in a real browser without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests import mailbox
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def test_newcomer_registers_confirms_signs_out_and_signs_in(app, page):
    page.goto("/register")
    page.get_by_label("Full name").fill("Nguyễn Thị Phương")
    page.get_by_label("Email address").fill("phuong@example.edu.vn")
    page.get_by_label("Password").fill("mango river lantern 42")
    page.get_by_label("Woman", exact=True).check()
    page.get_by_label("Country").select_option("VN")
    page.get_by_label("Institution").fill("Hue University")
    page.get_by_label("Your role").select_option("faculty")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    (link,) = [
        link for body in mailbox.bodies(app) for link in mailbox.links(body) if "/register/confirm/" in link
    ]
    page.goto(link.removeprefix("http://localhost"))
    page.get_by_label("Password").fill("mango river lantern 42")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(
        page.get_by_text("Your email address is confirmed and your account is ready. Welcome!")
    ).to_be_visible()
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


def sign_in(page, user):
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user.full_name}.")).to_be_visible()


def test_after_signing_out_the_back_button_shows_no_private_page(page, make_user):
    """Cache-Control: no-store keeps the page out of the browser's cache and back/forward cache,
    so the next person at a shared computer cannot step back into someone's account."""
    user = make_user(full_name="Grace Wanjiru")
    sign_in(page, user)
    page.goto("/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).first.click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_text(user.email)).to_have_count(0)


def test_sign_out_everywhere_from_the_account_page(browser, live_server, page, make_user):
    user = make_user(full_name="Grace Wanjiru")
    phone = browser.new_context(base_url=live_server, java_script_enabled=False).new_page()
    sign_in(phone, user)
    sign_in(page, user)
    page.goto("/account")
    sessions = page.get_by_role("table", name="Your sign-in sessions")
    expect(sessions.get_by_role("row")).to_have_count(3)  # the header and two sessions
    expect(sessions.get_by_text("this device")).to_be_visible()
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_text("You have been signed out on every device, including this one.")).to_be_visible()
    phone.goto("/learning")
    expect(phone).to_have_url(re.compile(r"/login"))
    phone.context.close()
