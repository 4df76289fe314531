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


@pytest.mark.parametrize(
    "href",
    ["javascript:123", "JaVaScRiPt:1", "java&#x09;script:1", "java\tscript:1", " \x01javascript:1",
     "&#x6A;avascript:1", "javascript&colon;1", "vbscript:1", "data:text/html,x", "localhost:80", "tel:123"],
)  # fmt: skip
def test_a_link_keeps_only_an_allowed_scheme_however_it_is_written(href):
    assert "href" not in sanitise_html(f'<a href="{href}">x</a>')


@pytest.mark.parametrize(
    "href", ["https://example.org/a:b", "/courses/a:b", "?q=a:b", "#h-a", "mailto:a@example.org"]
)
def test_relative_and_allowed_links_stay(href):
    assert f'href="{href}"' in sanitise_html(f'<a href="{href}">x</a>')


def test_an_attribute_with_a_quote_keeps_the_value_it_had():
    """Written in single quotes, bleach's serializer escaped the & of `&#x29;`: the title became
    the text `&#x29;"` instead of `)"`, and one `&amp;` longer on every pass."""
    cleaned = sanitise_html("<a title='&#x29;\"'>t</a>")
    assert cleaned == '<a title="&#x29;&quot;" rel="noopener nofollow">t</a>'
    assert sanitise_html(cleaned) == cleaned
