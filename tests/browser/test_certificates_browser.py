"""A learner completes a course in the browser, downloads the certificate and anyone verifies it;
an administrator revokes it and exports the register as a ZIP of PDFs."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories

pytestmark = pytest.mark.browser

NAME = "Nguyễn Thị Phương"


@pytest.fixture
def course_and_people(db):
    course = factories.make_course("browser-cert", modules=1, lessons=2, quiz=False, title="Teaching Online")
    learner = factories.make_user(full_name=NAME)
    admin = factories.make_user(role="admin", full_name="Admin Person")
    factories.enrol(learner, course)
    db.session.commit()
    return course, learner, admin


def sign_in(page, user):
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_learner_completes_downloads_and_the_public_verifies(page, course_and_people, browser, live_server):
    _course, learner, admin = course_and_people
    sign_in(page, learner)
    page.goto("/courses/browser-cert/lessons/m1-l1")
    page.get_by_role("button", name="Mark as complete and continue").click()
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_text("Congratulations! You have completed this course.")).to_be_visible()

    page.get_by_role("link", name="My certificates", exact=True).click()
    expect(page.get_by_role("heading", name="Teaching Online")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download PDF")).click()
    data = info.value.path().read_bytes()
    text = unicodedata.normalize("NFKC", PdfReader(io.BytesIO(data)).pages[0].extract_text())
    share = page.locator(".share-link").inner_text().strip()
    code = share.rsplit("/", 1)[-1]
    assert NAME in text and code in text and "Teaching Online" in text

    public_context = browser.new_context(base_url=live_server, java_script_enabled=False)
    admin_context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        check_then_revoke(public_context.new_page(), admin_context.new_page(), learner, admin, code)
    finally:
        public_context.close()
        admin_context.close()


def check_then_revoke(public, admin_page, learner, admin, code):
    public.goto("/verify")
    public.get_by_label("Certificate code").fill(code.lower().replace("-", " "))
    public.get_by_role("button", name="Check", exact=True).click()
    expect(public.get_by_text("Valid.")).to_be_visible()
    expect(public.get_by_text(NAME).first).to_be_visible()
    assert learner.email not in public.content()
    assert public.request.get(f"/verify/{code}/credential.json").json()["credentialSubject"]["name"] == NAME

    sign_in(admin_page, admin)
    admin_page.get_by_role("link", name="Certificates", exact=True).click()
    admin_page.get_by_role("link", name=code).click()
    admin_page.get_by_label("Reason").fill("Completed by someone else.")
    admin_page.get_by_role("button", name="Revoke this certificate").click()
    expect(admin_page.get_by_text("The certificate has been revoked.")).to_be_visible()

    public.goto(f"/verify/{code}")
    expect(public.get_by_text("Revoked.")).to_be_visible()
    expect(public.get_by_text("Completed by someone else.")).to_be_visible()


def test_admin_exports_a_zip_and_an_empty_filter_is_explained(page, course_and_people, db):
    course, learner, admin = course_and_people
    from tests.certificates.conftest import complete_course

    complete_course(learner, course)
    db.session.commit()
    sign_in(page, admin)
    page.goto("/admin/certificates")
    page.get_by_label("Course").select_option("browser-cert")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name=re.compile("ZIP of PDFs")).click()
    expect(
        page.get_by_role("heading", name=re.compile("Certificates \\(ZIP"))
    ).to_be_visible()  # the job's page
    expect(page.get_by_text("Ready.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Download")).click()
    names = zipfile.ZipFile(info.value.path()).namelist()
    assert "register.csv" in names and any(name.endswith(".pdf") for name in names)

    page.goto("/admin/certificates?course=browser-cert")
    page.get_by_label("Country").fill("FR")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No certificate matches these filters.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("ZIP of PDFs"))).to_have_count(0)


def test_the_copy_button_puts_the_whole_verification_link_on_the_clipboard(
    course_and_people, browser, live_server
):
    course, learner, _admin = course_and_people
    context = browser.new_context(base_url=live_server)  # JavaScript on: the button is its work
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, learner)
        for lesson in course.lessons:
            page.goto(f"/courses/{course.slug}/lessons/{lesson.slug}")
            page.get_by_role("button", name=re.compile("Mark as complete")).click()
        expect(page.locator("#certificate")).to_be_visible()  # the page after the last lesson
        link = page.locator("#certificate .share-link").inner_text().strip()
        assert re.fullmatch(r"http://localhost/verify/[0-9A-Z]{4}(-[0-9A-Z]{4}){3}-[0-9A-Z]{2}", link), (
            link
        )  # BASE_URL
        page.locator("#certificate").get_by_role("button", name="Copy link").click()
        expect(page.locator("#certificate .share-status")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link
    finally:
        context.close()


def test_without_javascript_the_share_box_has_the_link_and_no_copy_button(page, course_and_people, db):
    from tests.certificates.conftest import complete_course

    course, learner, _admin = course_and_people
    complete_course(learner, course)
    db.session.commit()
    sign_in(page, learner)
    page.set_viewport_size({"width": 320, "height": 640})  # a small phone
    page.goto("/certificates")
    expect(page.locator(".share-link")).to_contain_text("/verify/")
    assert page.get_by_role("button", name="Copy link").count() == 0
    box = page.locator(".share-link").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320  # the link wraps instead of overflowing
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_badge_from_add_to_profile_checks_on_the_verify_page_without_javascript(
    page, course_and_people, db, browser, live_server, tmp_path
):
    from tests.certificates.conftest import complete_course

    course, learner, _admin = course_and_people
    complete_course(learner, course)
    db.session.commit()
    sign_in(page, learner)
    page.goto("/certificates")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to profile: download the badge").click()
    badge = tmp_path / info.value.suggested_filename
    info.value.save_as(badge)
    assert badge.name.startswith("badge-") and badge.suffix == ".png"

    public_context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        public = public_context.new_page()
        public.goto("/verify")
        public.get_by_label("Certificate file").set_input_files(str(badge))
        public.get_by_role("button", name="Check the file").click()
        expect(public.get_by_text("intact credential signed by this platform")).to_be_visible()
        expect(public.get_by_text("Valid.")).to_be_visible()
        expect(public.get_by_text(NAME).first).to_be_visible()
        public.get_by_label("Certificate file").set_input_files(
            {
                "name": "forged.png",
                "mimeType": "image/png",
                "buffer": badge.read_bytes().replace(b"Teaching", b"Preaching"),
            }
        )
        public.get_by_role("button", name="Check the file").click()
        expect(public.get_by_role("alert")).to_contain_text(
            "could not be read"
        )  # the chunk's CRC no longer matches
    finally:
        public_context.close()
