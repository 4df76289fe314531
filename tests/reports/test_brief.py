"""The policy brief as a reader gets it: read back with poppler's pdftotext and pypdf."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from lms.roles import Role
from tests import factories
from tests.reports.conftest import BASE, add_enrolment
from tests.reports.test_views import KEY, populate

ARABIC_TITLE = "مقدمة في التعليم الرقمي"


@pytest.fixture
def brief(db, course, make_user, login):
    populate(db, course)
    arabic = factories.make_course("arabic-course", modules=1, lessons=1, title=ARABIC_TITLE)
    for where, place in ((course, "UG"), (arabic, "EG")):
        for gender, completers in (("woman", 9), ("man", 4 if place == "UG" else 8)):
            for n in range(12):
                learner = factories.make_user(gender=gender, country=place)
                add_enrolment(learner, where, completed=BASE if n < completers else None, record_key=KEY)
    db.session.commit()
    client = login(make_user(role=Role.ADMIN))

    def get(query="", language=None):
        if language:
            client.set_cookie("lang", language)
        response = client.get("/reports/participation/brief.pdf" + query)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        return response.data

    return get


def text_of(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    text = re.sub("[\u200e\u200f\u202a-\u202e]", "", done.stdout.decode())  # poppler's direction marks
    return " ".join(text.split())


def test_hidden_rates_get_no_bar_and_say_why(brief):
    text = text_of(brief())
    # "another gender identity" is one learner: the rate is not drawn as a 0 % bar.
    assert not re.search(r"(?<![\d.])0\.0%", text)
    assert "Another gender identity [c] — not shown: made from a count under 5" in text
    # Each bar is labelled with its gender, so no two genders differ by colour alone.
    assert text.count("Another gender identity") >= 2 and text.count("Prefer not to say / not stated") >= 2


def test_every_page_is_numbered_and_the_period_and_findings_are_written(brief):
    pdf = brief("?enrolled_from=2024-01-01&enrolled_to=2024-12-31")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = text_of(pdf)
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    assert "Period covered: enrolments from January 1, 2024 to December 31, 2024." in text
    assert "Findings" in text and "enrolments: " in text and "Completion rate: women" in text
    assert "widest gap in completion" in text


def test_every_font_is_embedded_and_arabic_titles_print(brief):
    pdf = brief()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert ARABIC_TITLE in text_of(pdf)


@pytest.mark.parametrize(("language", "words"), [("fr", "Page 1 sur"), ("ar", "الصفحة 1 من")])
def test_the_brief_is_in_the_interface_language(brief, language, words):
    pdf = brief(language=language)
    assert all(word in text_of(pdf) for word in words.split())
    # Every glyph came from a shipped font: none is drawn as a missing-glyph box.
    assert "/FontFile2" in pdf.decode("latin-1") and b"Helvetica" not in pdf
