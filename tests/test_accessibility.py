"""Structural accessibility checks on the pages people use most: one h1, a main landmark, a
language, labelled fields, images with alt text, and buttons with names."""

from html.parser import HTMLParser

import pytest

from lms.roles import Role
from tests import factories


class Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.main = 0
        self.lang = None
        self.labels: set[str] = set()
        self.fields: list[tuple[str, dict]] = []
        self.images_without_alt = 0
        self.in_button = False
        self.button_text = ""
        self.empty_buttons = 0
        self.fieldset_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        elif tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit"}:
            self.fields.append((tag, attributes))
        elif tag == "img" and "alt" not in attributes:
            self.images_without_alt += 1
        elif tag == "button":
            self.in_button, self.button_text = True, ""

    def handle_endtag(self, tag):
        if tag == "button":
            if not self.button_text.strip():
                self.empty_buttons += 1
            self.in_button = False

    def handle_data(self, data):
        if self.in_button:
            self.button_text += data

    def unlabelled(self) -> list[str]:
        return [
            attributes.get("name", tag)
            for tag, attributes in self.fields
            if attributes.get("id") not in self.labels and not attributes.get("aria-label")
        ]


PAGES = [
    "/", "/courses", "/courses/ict-basics", "/courses/ict-basics/lessons/m1-l1", "/courses/ict-basics/quizzes/m1",
    "/learning", "/account", "/account/calendar", "/account/password", "/admin/users", "/admin/courses", "/teaching",
    "/teaching/ict-basics/cohort", "/admin/courses/ict-basics/trainers", "/admin/courses/ict-basics/cohort",
    "/notifications", "/account/notifications", "/courses/ict-basics/announcements",
    "/teaching/ict-basics/announcements",
]  # fmt: skip
ANONYMOUS_PAGES = ["/register", "/login", "/password/forgot"]


@pytest.fixture
def admin_client(client, db, login):
    course = factories.make_course("ict-basics")
    admin = factories.make_user(role=Role.ADMIN)
    factories.enrol(admin, course)
    db.session.commit()
    return login(admin)


def audit(client, url: str) -> Audit:
    response = client.get(url)
    assert response.status_code == 200, url
    checker = Audit()
    checker.feed(response.get_data(as_text=True))
    return checker


@pytest.mark.parametrize("url", PAGES)
def test_signed_in_pages_are_structurally_accessible(admin_client, url):
    page = audit(admin_client, url)
    assert (page.h1, page.main, page.lang) == (1, 1, "en"), url
    assert page.unlabelled() == [], url
    assert page.images_without_alt == 0 and page.empty_buttons == 0


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_public_forms_are_structurally_accessible(client, url):
    page = audit(client, url)
    assert (page.h1, page.main) == (1, 1)
    assert page.unlabelled() == []


def test_stylesheet_stays_small(app):
    from pathlib import Path

    css = Path(app.static_folder, "css", "site.css").read_bytes()
    assert len(css) < 20_000
