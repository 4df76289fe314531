"""What travels to a learner on a slow connection: text compressed when the browser accepts it,
static files under fingerprinted URLs that browsers keep for a year without asking again."""

from __future__ import annotations

import gzip
import re

import brotli

from lms.web import STATIC_MAX_AGE


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
