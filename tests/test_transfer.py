"""What travels to a learner on a slow connection: text compressed when the browser accepts it,
static files under fingerprinted URLs that browsers keep for a year without asking again."""

from __future__ import annotations

import gzip
import os
import re

import brotli
import pytest
from sqlalchemy import select

from lms.courses.models import Course
from lms.web import STATIC_MAX_AGE
from tests import factories


def test_a_page_is_sent_with_brotli_when_the_browser_accepts_it(client):
    response = client.get("/courses", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = brotli.decompress(response.data).decode()
    assert "<html" in html and len(response.data) < len(html.encode()) / 2


def test_a_page_is_sent_with_gzip_to_a_browser_without_brotli(client):
    response = client.get("/courses", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.data).decode()


def test_without_accept_encoding_nothing_is_compressed(client):
    response = client.get("/courses")
    assert "Content-Encoding" not in response.headers
    assert "<html" in response.get_data(as_text=True)


def test_a_small_or_binary_response_is_not_compressed(client):
    tiny = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert tiny.status_code == 200 and "Content-Encoding" not in tiny.headers
    assert tiny.get_json() == {"status": "ok"}


def test_a_hostile_accept_encoding_gets_an_uncompressed_page_not_an_error(client):
    for header in ("\x00br", "br;q=nonsense, gzip;q=0", "x" * 5000, "identity;q=0"):
        response = client.get("/courses", headers={"Accept-Encoding": header})
        assert response.status_code == 200, header
        body = response.data
        if response.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        elif response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert b"<html" in body, header


def stylesheet_url(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_the_stylesheet_url_carries_a_fingerprint_of_its_content(client, app):
    import hashlib
    from pathlib import Path

    url = stylesheet_url(client)
    digest = hashlib.sha256(Path(app.static_folder, "css", "site.css").read_bytes()).hexdigest()
    assert url == f"/static/css/site.css?v={digest[:12]}"


def test_a_fingerprinted_static_file_is_kept_for_a_year(client):
    response = client.get(stylesheet_url(client))
    response.close()
    assert response.status_code == 200
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == STATIC_MAX_AGE
    assert not cache.no_cache


def test_a_static_file_without_its_current_fingerprint_is_revalidated(client):
    for url in (
        "/static/css/site.css",
        "/static/css/site.css?v=0123456789ab",
        "/static/css/site.css?v=x&v=y",
    ):
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        assert not response.cache_control.immutable and response.cache_control.max_age != STATIC_MAX_AGE, url
        assert response.cache_control.no_cache or response.headers.get("ETag"), url


def test_a_nul_byte_in_the_fingerprint_is_refused(client):
    assert client.get("/static/css/site.css?v=%00").status_code == 400


def test_an_unknown_static_file_is_a_404_with_no_fingerprint(client):
    assert client.get("/static/css/none.css?v=abc").status_code == 404
    assert client.get("/static/../setup.cfg").status_code == 404


def test_pages_name_a_small_cached_icon_so_browsers_do_not_ask_for_a_missing_favicon(client):
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert re.fullmatch(r"/static/img/favicon\.svg\?v=[0-9a-f]{12}", href)
    icon = client.get(href)
    body = icon.data
    icon.close()
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.cache_control.immutable and len(body) < 1000 and body.startswith(b"<svg")


# --- what a learner's browser downloads (issue 14: <= 40 KB first visit, <= 15 KB repeat) ----

FIRST_VISIT, REPEAT_VISIT, LARGE_LESSON_PAGE = 40_000, 15_000, 40_000
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/static/[^"]+)"')


def realistic_course(slug: str, modules: int, per_module: int):
    """A course whose lessons carry a real lesson's text and long titles, as the bench's."""
    from pathlib import Path

    from lms.content.importer import ImportReport, apply_course
    from lms.courses.queries import course_by_slug

    body = (
        Path(__file__).resolve().parents[1]
        / "courses/blended-course-design/05-running-and-improving/03-feedback-and-iteration.md"
    ).read_text()
    spec = factories.course_spec(slug, modules=modules, lessons=per_module)
    for module in spec.modules:
        module.title = f"Module {module.slug[1:]}: teaching with few resources"
        for lesson in module.lessons:
            lesson.title = f"{lesson.slug}: designing activities that work on a phone"
            lesson.body = body
    apply_course(spec, ImportReport())
    return course_by_slug(slug, with_structure=True)


def sent(client, url: str, **headers) -> tuple[int, bytes, object]:
    response = client.get(url, headers={**BROWSER, **headers})
    body = response.data
    response.close()
    assert response.status_code == 200, url
    return len(body), body, response


def visits(client, url: str) -> tuple[int, int]:
    """Bytes as sent on a first visit (the page and every static file it links) and on a
    repeat one (the page; a static file not marked immutable is asked for again, and counted)."""
    page_bytes, body, response = sent(client, url)
    html = body.decode() if "Content-Encoding" not in response.headers else None
    if html is None:
        html = brotli.decompress(body).decode() if response.headers["Content-Encoding"] == "br" else ""
    first = repeat = page_bytes
    for asset in sorted(set(ASSET.findall(html))):
        size, _body, asset_response = sent(client, asset.replace("&amp;", "&"))
        first += size
        if not asset_response.cache_control.immutable:
            repeat += size
    return first, repeat


@pytest.fixture
def learner_pages(client, db, login):
    from lms.certificates.services import current_certificate
    from tests.certificates.conftest import complete_course

    course = realistic_course("phone", modules=2, per_module=3)
    done = factories.make_course("done", modules=1, lessons=2, rule="all-lessons")
    user = factories.make_user()
    factories.enrol(user, course)
    complete_course(user, done)
    db.session.commit()
    code = current_certificate(user.id, done.id).code
    login(user)
    return {
        "lesson": "/courses/phone/lessons/m1-l1",
        "course page": "/courses/phone",
        "quiz": "/courses/phone/quizzes/m1",
        "My learning": "/learning",
        "catalogue": "/courses",
        "verify": f"/verify/{code}",
    }


def test_every_learner_page_keeps_to_the_transfer_budget_on_a_first_and_a_repeat_visit(client, learner_pages):
    for name, url in learner_pages.items():
        first, repeat = visits(client, url)
        assert first <= FIRST_VISIT, (name, first)
        assert repeat <= REPEAT_VISIT, (name, repeat)
        assert repeat < first, name  # the stylesheet and icon are not downloaded again


@pytest.mark.slow
def test_a_500_lesson_course_makes_a_lesson_page_under_40_kb_uncompressed(client, db, login):
    realistic_course("huge", modules=50, per_module=10)
    user = factories.make_user()
    factories.enrol(user, db.session.execute(select(Course).filter_by(slug="huge")).scalar_one())
    db.session.commit()
    login(user)
    html = client.get("/courses/huge/lessons/m25-l5").get_data(as_text=True)
    assert len(html.encode()) <= LARGE_LESSON_PAGE, len(html.encode())
    assert all(f'href="m25-l{n}"' in html for n in (1, 2, 9, 10))  # the current module in full
    assert html.count("<details") == 49 and 'href="m24-l2"' not in html  # the others collapsed
    first, repeat = visits(client, "/courses/huge/lessons/m25-l5")
    assert first <= FIRST_VISIT and repeat <= REPEAT_VISIT, (first, repeat)


def test_a_changed_static_file_gets_a_new_url_and_the_old_one_is_revalidated(client, app, tmp_path):
    from pathlib import Path

    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    for source in Path(app.static_folder).rglob("*"):
        if source.is_file():
            target = static / source.relative_to(app.static_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    app.static_folder = str(static)
    before = stylesheet_url(client)
    css = static / "css" / "site.css"
    css.write_text(css.read_text() + "\n/* a new rule */\n")
    os.utime(css, (css.stat().st_atime + 5, css.stat().st_mtime + 5))  # a new modification time
    after = stylesheet_url(client)
    assert after != before and after.startswith("/static/css/site.css?v=")
    fresh = client.get(after)
    fresh.close()
    assert fresh.cache_control.immutable
    stale = client.get(before)  # a page cached with the old link still gets the file, revalidated
    assert stale.status_code == 200 and b"a new rule" in stale.data
    stale.close()
    assert not stale.cache_control.immutable
