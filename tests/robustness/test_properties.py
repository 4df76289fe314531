"""Property tests (Hypothesis): whatever text reaches the platform's readers, each answers with
its result or its own domain error, never another exception (which would be a 500 or a
traceback in `flask courses import`).

The readers: the Markdown renderer (MarkupTooComplex), the course-file parser (problems, never
an exception), course archives (ArchiveError or problems), the cohort CSV reader (problems),
verification codes (MalformedCode) and images (ImageRefused). Examples are few and derived from
the test's name, so `make test` stays fast and repeatable; HYPOTHESIS_EXPLORE=1 draws new ones
(and HYPOTHESIS_EXAMPLES=N more of them) to search further.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.certificates.codes import MalformedCode, normalise
from lms.content.archive import ArchiveError, ArchiveLimits, read_archive
from lms.content.format import load_tree
from lms.content.markup import MarkupTooComplex, render_markdown, sanitise_html
from lms.enrolment.cohort import COLUMNS, read_cohort_csv
from lms.media.images import ImageRefused, clean_image
from tests.content.trees import COURSE_TOML, QUIZ_TOML, lesson, write_course
from tests.content.xss_corpus import problems_in

EXPLORE = os.environ.get("HYPOTHESIS_EXPLORE") == "1"


def examples(count: int) -> settings:
    return settings(
        max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", count)),
        derandomize=not EXPLORE,
        database=None,
        deadline=None,  # a loaded machine is slow, not wrong
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Text biased towards what each reader treats specially, mixed with any character at all.
def tokens(special: list[str], size: int) -> st.SearchStrategy[str]:
    """Text of `special` pieces and any characters but lone surrogates (files and forms cannot hold
    them; invalid UTF-8 comes as bytes in the tests that take bytes)."""
    any_character = st.characters(exclude_categories=("Cs",))
    return st.lists(st.sampled_from(special) | any_character, max_size=size).map("".join)


MARKDOWN = tokens(
    list("[]()*_`<>!#-+|\\:&;\"'=~^ \n\t/.ax1") + ["&#x29;", "](", "![", "```", "    ", "> ", "[^", "<a "],
    300,
)
TOML = tokens(
    list("[]{}=\"'#.,:\n \\") + ["slug", "title", "+++", "true", "1e9", '"""', "[[questions]]"], 200
)
CSV = tokens(list(',"\n\r ;') + ["a@example.org", "woman", "KE", "faculty", "\ufeff"], 300)


@pytest.fixture(autouse=True)
def _in_app(app):
    with app.app_context():
        yield


@examples(150)
@given(MARKDOWN)
def test_the_renderer_renders_or_refuses(text):
    try:
        html = render_markdown(text)
    except MarkupTooComplex as refused:
        assert refused.limit.message()
        return
    assert problems_in(html) == []
    assert sanitise_html(html) == html


@examples(150)
@given(st.text(max_size=300) | MARKDOWN)
def test_sanitising_is_idempotent_on_any_text(text):
    once = sanitise_html(text)
    assert sanitise_html(once) == once


@examples(40)
@given(course=TOML, module=TOML, body=MARKDOWN, header=TOML, quiz=TOML, raw=st.binary(max_size=200))
def test_the_course_file_parser_reports_problems_and_never_raises(course, module, body, header, quiz, raw):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_course(root, slug="a", files={"course.toml": course, "01-start/module.toml": module,
                                            "01-start/01-welcome.md": lesson(body=body),
                                            "01-start/02-tools.md": f"+++\n{header}\n+++\n{body}",
                                            "01-start/quiz.toml": quiz})  # fmt: skip
        write_course(root, slug="b", files={"course.toml": raw, "01-start/01-welcome.md": raw})
        write_course(root, slug="c", files={"course.toml": COURSE_TOML.format(slug="c") + course})
        specs, problems = load_tree(root)
    assert all(str(problem) for problem in problems)
    assert {spec.slug for spec in specs} <= {"a", "c"}


@examples(40)
@given(st.binary(max_size=600) | st.builds(lambda body: _zip({"c/01-m/01-l.md": body.encode()}), MARKDOWN))
def test_a_course_archive_is_read_or_refused(data):
    try:
        read_archive(data, ArchiveLimits(), 1_000_000, 2_000_000)
    except ArchiveError as refused:
        assert str(refused)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/course.toml", COURSE_TOML.format(slug="c"))
        archive.writestr("c/01-m/module.toml", 'title = "M"\n')
        archive.writestr("c/01-m/quiz.toml", QUIZ_TOML)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@examples(200)
@given(CSV | st.builds(lambda rows: ",".join(COLUMNS) + "\n" + rows, CSV))
def test_the_cohort_reader_answers_rows_or_problems(text):
    rows, problems = read_cohort_csv(text.encode())
    assert rows or problems
    assert all(isinstance(problem, str) and problem for problem in problems)


@examples(100)
@given(st.binary(max_size=300))
def test_the_cohort_reader_takes_any_bytes(data):
    read_cohort_csv(data)


@examples(300)
@given(
    st.text(
        st.sampled_from(list("0123456789ABCDEFGHJKMNPQRSTVWXYZilo*~$=U- \t")) | st.characters(), max_size=40
    )
)
def test_a_verification_code_is_normalised_or_refused(text):
    try:
        code = normalise(text)
    except MalformedCode as refused:
        assert str(refused)
        return
    assert normalise(code) == code


@examples(60)
@given(
    st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\0\0\0\0WEBP", b""]),
    st.binary(max_size=300),
)
def test_an_image_is_cleaned_or_refused(signature, rest):
    try:
        clean_image(signature + rest)
    except ImageRefused as refused:
        assert refused.message()
