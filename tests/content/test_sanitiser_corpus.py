"""Every known XSS payload in tests/content/xss_payloads.txt, as HTML and as Markdown, comes out
of the one sanitiser with no script, handler, style, frame, form or unsafe URL, and sanitising
the result again changes nothing. A browser test (tests/browser/test_authoring_xss.py) checks
that none of it runs."""

from __future__ import annotations

import pytest

from lms.content.markup import render_markdown, sanitise_html
from tests.content.xss_corpus import payloads, problems_in, scheme_of

PAYLOADS = payloads()


def test_the_corpus_is_large():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitised_html_has_nothing_dangerous_and_is_stable(payload):
    cleaned = sanitise_html(payload)
    assert problems_in(cleaned) == [], cleaned
    assert sanitise_html(cleaned) == cleaned


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_markdown_has_nothing_dangerous_and_is_stable(payload):
    html = render_markdown(payload)
    assert problems_in(html) == [], html
    assert sanitise_html(html) == html


def test_safe_content_survives():
    html = render_markdown(
        "[site](https://example.org) [mail](mailto:a@example.org) [top](#h-a) ![m](/media/a.png)"
    )
    assert 'href="https://example.org" rel="noopener nofollow"' in html
    assert 'href="mailto:a@example.org"' in html and 'href="#h-a"' in html
    assert 'src="/media/a.png"' in html


@pytest.mark.parametrize(
    "url, scheme",
    [("java\tscript:x", "javascript"), (" \x0ejavascript:x", "javascript"), ("/a:b", None), ("#x", None),
     ("HTTPS://x", "https")],
)  # fmt: skip
def test_the_checker_sees_schemes_as_browsers_do(url, scheme):
    assert scheme_of(url) == scheme
