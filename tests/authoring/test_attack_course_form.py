"""An outside tester's attacks on the course form's new fields: images that are not plain
pictures, keys with invisible or control characters, titles with line breaks, a window closing
before it opens, another trainer's draft."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from lms.authoring.models import DraftCourse
from lms.roles import Role
from tests.authoring.helpers import PNG
from tests.authoring.test_course_form import DETAILS, FULL, _draft

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GIF_JS = b"GIF89a/*\x00\x00\x00\x00*/=alert(1)//"  # a GIF header that is also JavaScript


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG, "cover.svg"),
        (SVG, "cover.png"),
        (PNG + b"<script>alert(1)</script>", "cover.png"),
        (GIF_JS, "cover.gif"),
        (b"<html><script>alert(1)</script></html>", "cover.jpg"),
        (b"", "cover.png"),
        (PNG[:20], "cover.png"),
    ],
)
def test_an_image_that_is_not_only_a_picture_is_refused_and_nothing_stored(db, editor, draft, data, name):
    form = {**FULL, "image": (io.BytesIO(data), name), "image_alt": "A picture"}
    response = editor.submit(DETAILS, form, content_type="multipart/form-data")
    assert response.status_code == 400, response.status_code
    current = _draft(db, draft)
    assert current.image is None and current.enrolment_key is None


@pytest.mark.parametrize("key", ["a\x85b", "a\x9bb", "a\u2028b", "\x7fkey", "a\rb"])
def test_an_enrolment_key_with_control_characters_is_refused(db, editor, draft, key):
    response = editor.submit(DETAILS, {**FULL, "enrolment_key": key})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert _draft(db, draft).enrolment_key is None


@pytest.mark.parametrize("title", ["Two\r\nlines", "Tab\tbed", "New\nline"])
def test_a_title_with_line_breaks_is_one_line_or_refused(db, editor, draft, title):
    response = editor.submit(DETAILS, {**FULL, "title": title})
    assert response.status_code in (302, 400)
    stored = _draft(db, draft).title
    assert "\n" not in stored and "\r" not in stored


def test_a_window_closing_before_it_opens_is_refused(db, editor, draft):
    response = editor.submit(DETAILS, {**FULL, "enrol_from": "2027-02-01", "enrol_until": "2027-01-31"})
    assert response.status_code == 400
    assert "Enrolment cannot close before it opens." in response.get_data(as_text=True)
    assert _draft(db, draft).enrol_from is None


def test_another_trainers_draft_details_cannot_be_changed(db, client, login, draft, make_user):
    login(make_user(role=Role.TRAINER))
    assert client.get(DETAILS).status_code in (403, 404)
    assert client.submit(DETAILS, {**FULL, "title": "Taken over"}).status_code in (403, 404)
    db.session.expire_all()
    assert db.session.execute(select(DraftCourse.title)).scalar_one() != "Taken over"


def test_the_details_form_needs_its_csrf_token(db, editor, draft):
    response = editor.post(DETAILS, data={**FULL, "title": "No token"})
    assert response.status_code == 400
    assert _draft(db, draft).title != "No token"
