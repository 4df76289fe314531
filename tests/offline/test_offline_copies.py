"""A whole course to read offline: an EPUB 3 book that EPUBCheck (the W3C's validator) accepts,
and one self-contained HTML file; both made once per course version."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lms.content.format import LessonSpec
from tests import factories
from tests.authoring.helpers import PNG

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def parse_xml(data: bytes):
    return ElementTree.fromstring(data)  # noqa: S314 (the platform's own output, in a test)


def epubcheck_command() -> list[str]:
    """Debian's `epubcheck` is the jar itself (run through binfmt where the kernel allows):
    call it with java. Missing, it fails the test: CI installs it (.ci/run)."""
    found = shutil.which("epubcheck")
    assert found, "epubcheck is not installed: apt-get install -y epubcheck"
    target = Path(found).resolve()
    return ["java", "-jar", str(target)] if target.suffix == ".jar" else [found]


@pytest.fixture
def illustrated(db):
    """An Arabic course whose first lesson shows an image, links to the next lesson, has a
    table and a footnote, and whose titles hold characters XML escapes."""
    spec = factories.course_spec("illustrated", modules=2, lessons=2, language="ar", title="مقرر <أ> & «ب»")
    spec.modules[0].lessons[0] = LessonSpec(
        "m1-l1",
        "الدرس الأول",
        10,
        "## خريطة\n\n![خريطة المقرر](images/map.png)\n\n[التالي](/courses/illustrated/lessons/m1-l2) "
        "و[الصفحة](/courses) و[موقع](https://example.org/a?b=1&c=2)\n\n| أ | ب | ج |\n|---|---|---|\n| 1 | 2 | 3 |\n\n"
        'نص[^1]\n\n[^1]: حاشية.\n\n<img src="https://example.org/remote.png" alt="بعيد">\n',
        images={"images/map.png": PNG},
    )
    course = _apply(spec)
    learner = factories.make_user()
    factories.enrol(learner, course)
    db.session.commit()
    return course, learner


def _apply(spec):
    from lms.content.importer import ImportReport, apply_course
    from lms.courses.queries import course_by_slug

    apply_course(spec, ImportReport())
    return course_by_slug(spec.slug, with_structure=True)


def download(client, course, extension: str):
    response = client.get(f"/courses/{course.slug}/offline.{extension}")
    assert response.status_code == 200, response.status_code
    return response


def test_an_enrolled_learner_downloads_the_course_as_an_epub(client, login, illustrated):
    course, learner = illustrated
    login(learner)
    response = download(client, course, "epub")
    assert response.mimetype == "application/epub+zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="illustrated-1.0.epub"'
    assert response.headers["Cache-Control"] == "no-store"  # a signed-in person's page, as every other


def test_the_epub_has_the_course_language_direction_contents_and_images(client, login, illustrated):
    course, learner = illustrated
    login(learner)
    book = zipfile.ZipFile(io.BytesIO(download(client, course, "epub").data))
    assert book.namelist()[0] == "mimetype" and book.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    package = parse_xml(book.read("EPUB/package.opf"))
    assert package.find(f"{OPF}metadata/{DC}language").text == "ar"
    assert package.find(f"{OPF}metadata/{DC}title").text == "مقرر <أ> & «ب»"
    assert package.find(f"{OPF}spine").get("page-progression-direction") == "rtl"
    nav = parse_xml(book.read("EPUB/nav.xhtml"))
    titles = [link.text for link in nav.iter(f"{XHTML}a")]
    assert titles[:4] == ["مقرر <أ> & «ب»", "Module 1", "الدرس الأول", "Lesson 1.2"]
    assert "Quiz 2" in titles
    lesson = parse_xml(book.read("EPUB/lesson-01-01.xhtml"))
    assert (lesson.get("lang"), lesson.get("dir")) == ("ar", "rtl")
    (image,) = [img for img in lesson.iter(f"{XHTML}img")]
    assert image.get("alt") == "خريطة المقرر"
    assert book.read(f"EPUB/{image.get('src')}") == PNG
    links = [a.get("href") for a in lesson.iter(f"{XHTML}a")]
    assert "lesson-01-02.xhtml" in links  # the next lesson, inside the book
    assert "http://localhost/courses" in links  # the site, from BASE_URL
    assert "https://example.org/a?b=1&c=2" in links
    assert "بعيد" in book.read("EPUB/lesson-01-01.xhtml").decode()  # a remote image keeps its text
    assert b"example.org/remote.png" not in book.read("EPUB/lesson-01-01.xhtml")


def test_the_quizzes_travel_without_their_answers(client, login, illustrated):
    course, learner = illustrated
    login(learner)
    book = zipfile.ZipFile(io.BytesIO(download(client, course, "epub").data))
    quiz = book.read("EPUB/quiz-01.xhtml").decode()
    page = download(client, course, "html").get_data(as_text=True)
    for text in (quiz, page):
        assert "Question 1 of module 1?" in text and "Right answer" in text and "Wrong answer" in text
        assert "Yes, that is right." not in text and "No, think again." not in text  # feedback
        assert "correct" not in text.lower()
        assert "http://localhost/courses/illustrated/quizzes/m1" in text  # where to answer it


def test_the_html_copy_is_one_self_contained_file(client, login, illustrated):
    course, learner = illustrated
    login(learner)
    response = download(client, course, "html")
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert '<html lang="ar" dir="rtl">' in page
    assert "<script" not in page and "<link" not in page and 'src="/' not in page and 'src="http' not in page
    assert 'src="data:image/png;base64,' in page
    assert 'href="#lesson-01-02"' in page and 'id="lesson-01-02"' in page
    assert page.count("<section") == 1 + 4 + 2  # the title, four lessons, two quizzes


def test_a_copy_is_made_once_per_version_and_again_when_the_course_changes(
    app, client, login, illustrated, db, monkeypatch
):
    from lms.offline import views

    course, learner = illustrated
    login(learner)
    folder = Path(app.config["OFFLINE_DIR"])
    shutil.rmtree(folder, ignore_errors=True)  # copies made by the tests before
    made = []
    original = views.FORMATS["epub"]
    monkeypatch.setitem(
        views.FORMATS, "epub", (original[0], lambda book: made.append(1) or original[1](book))
    )
    first = download(client, course, "epub").data
    assert download(client, course, "epub").data == first and len(made) == 1
    (old,) = folder.glob("illustrated@*.epub")

    spec = factories.course_spec("illustrated", modules=2, lessons=2, language="ar", version="1.1")
    _apply(spec)
    db.session.commit()
    second = download(client, course, "epub").data
    assert second != first and len(made) == 2
    assert not old.exists() and len(list(folder.glob("illustrated@*.epub"))) == 1


def test_others_are_offered_enrolment_and_unknown_courses_are_not_found(
    client, login, illustrated, make_user
):
    course, _learner = illustrated
    assert client.get("/courses/illustrated/offline.epub").status_code == 302  # to sign in
    login(make_user())
    for extension in ("epub", "html"):
        assert client.get(f"/courses/illustrated/offline.{extension}").status_code == 403
        assert client.get(f"/courses/nope/offline.{extension}").status_code == 404
        assert client.get(f"/courses/illustrated%00/offline.{extension}").status_code == 400  # NUL


def test_epubcheck_accepts_every_shipped_course_and_an_illustrated_arabic_one(
    app, client, login, db, runner, tmp_path, illustrated
):
    from sqlalchemy import select

    from lms.courses.models import Course
    from lms.roles import Role

    result = runner.invoke(args=["courses", "import"])
    assert result.exit_code == 0, result.output
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    login(admin)
    slugs = db.session.scalars(select(Course.slug)).all()
    assert len(slugs) >= 5 and "illustrated" in slugs
    checks = {}
    for slug in slugs:  # one Java process per book, all at once (its start-up dominates)
        response = client.get(f"/courses/{slug}/offline.epub")
        assert response.status_code == 200, slug
        path = tmp_path / f"{slug}.epub"
        path.write_bytes(response.data)
        checks[slug] = subprocess.Popen(
            [*epubcheck_command(), "--quiet", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    for slug, check in checks.items():
        output, _ = check.communicate(timeout=600)
        assert check.returncode == 0, f"{slug}:\n{output}"


def test_a_kept_copy_costs_a_few_queries(client, login, illustrated, count_queries):
    course, learner = illustrated
    login(learner)
    download(client, course, "epub")  # made once
    with count_queries() as counter:
        download(client, course, "epub")
    assert counter.count <= 12, counter.statements
