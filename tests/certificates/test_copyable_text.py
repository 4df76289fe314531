"""Names and course titles copied out of a certificate PDF come back as the text that was typed.

Checked with poppler's `pdftotext` (what Evince, Okular and most command-line tools use; the
test fails, never skips, when it is missing), and for left-to-right text also with PDFium
(Chrome's PDF viewer, through pypdfium2; see the README for what PDFium does with right-to-left
text). Right-to-left text must come out in logical order, not reversed;
text whose glyphs are reordered or merged (Indic conjuncts, Arabic ligatures, Han forms chosen
by language) must come out as its characters. Both are compared after NFKC, which turns
typographic ligatures such as "ﬁ" back into letters, and without the invisible directional
marks (U+200E, U+200F, U+202A-U+202C) that poppler and the text layer put around
right-to-left stretches of a line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime

import pypdfium2
import pytest

from lms.certificates import pdf
from lms.certificates.models import Certificate
from tests.typography.test_typesetting import SAMPLES

#: Every script the certificate fonts print, with names as people write them (illustrative).
NAMES = [
    *SAMPLES,
    "Maryam مريم Ahmadi",
    "عبد الله صلاح الدين",  # lam-alef and the Allah ligature
    "مُحَمَّد عَلِيّ",  # with vowel marks
    "شیرین‌زاده",  # Persian, with a zero-width non-joiner
    "שָׂרָה כֹּהֵן",  # Hebrew with points
    "কৌশিক রায়",  # Bengali split vowel
    "ਗੁਰਪ੍ਰੀਤ ਕੌਰ",  # Gurmukhi
    "ಅನನ್ಯಾ ರಾವ್",  # Kannada
    "Ŋgozi Ɛsi Kɔfi",  # African Latin letters
    "Ann-Sofie O’Neil",
]

#: Course titles in several scripts and directions (illustrative).
TITLES = [
    "Designing Blended and Online Courses with ICT",
    "التعليم المدمج وتصميم المقررات الإلكترونية",
    "آموزش ترکیبی و طراحی دوره‌های برخط",
    "हाइब्रिड शिक्षण और ऑनलाइन पाठ्यक्रम",
    "混合式教学与在线课程设计",
    "ⵜⴰⵙⵏⴰ ⵏ ⵓⵙⵍⵎⴷ",
]

BIDI_EMBEDDINGS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c"))


def certificate(name: str, title: str = "ICT Basics for Lecturers", language: str = "en") -> Certificate:
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    return Certificate(
        code="7KQ4-M2XC-9PDA-T1HV-C8",
        holder_name=name,
        course_title=title,
        course_version="1.0",
        language=language,
        hours=6.0,
        completed_at=moment,
        issued_at=moment,
        issuer_name="ICT in Higher Education Learning Platform",
        signatory="",
    )


def rendered(name: str, title: str = "ICT Basics for Lecturers", language: str = "en") -> bytes:
    return pdf.render(certificate(name, title, language), "https://learn.example.org/verify/X", pdf.Layout())


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(BIDI_EMBEDDINGS).split())


def poppler_lines(data: bytes) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return [normalised(line) for line in result.stdout.decode().splitlines() if line.strip()]


def pdfium_lines(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    return [normalised(line) for line in re.split(r"[\r\n]+", text) if line.strip()]


@pytest.mark.parametrize("name", NAMES)
def test_pdftotext_gives_back_the_name_in_logical_order(app_context, name):
    assert normalised(name) in poppler_lines(rendered(name))


def left_to_right_in_the_bmp(text: str) -> bool:
    return all(unicodedata.bidirectional(ch) not in ("R", "AL") and ord(ch) <= 0xFFFF for ch in text)


@pytest.mark.parametrize("name", [name for name in NAMES if left_to_right_in_the_bmp(name)])
def test_pdfium_gives_back_left_to_right_names(app_context, name):
    assert normalised(name) in pdfium_lines(rendered(name))


@pytest.mark.parametrize("title", TITLES)
def test_course_titles_come_back_in_logical_order(app_context, title):
    assert normalised(title) in poppler_lines(rendered("Amina Yusuf", title))


def test_an_arabic_certificate_gives_back_its_labels_name_and_title(app_context):
    data = rendered("فاطمة الزهراء", TITLES[1], "ar")
    lines = poppler_lines(data)
    assert normalised("فاطمة الزهراء") in lines and normalised(TITLES[1]) in lines


def test_the_code_and_address_are_still_copyable(app_context):
    lines = poppler_lines(rendered("Amina Yusuf"))
    assert "7KQ4-M2XC-9PDA-T1HV-C8" in lines
    assert "learn.example.org/verify/X" in lines
