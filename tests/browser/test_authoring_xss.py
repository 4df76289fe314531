"""No payload of the XSS corpus runs once sanitised, in a real browser with JavaScript ON.

The site's Content-Security-Policy would block inline script anyway, so to test the sanitiser
and not the CSP the sanitised corpus is loaded with page.set_content into a page served without
any CSP. A separate context with JavaScript enabled is created for this test only.
"""

from __future__ import annotations

import contextlib
import html

import pytest
from playwright.sync_api import Error as PlaywrightError

from lms.content.markup import render_markdown, sanitise_html
from tests.content.xss_corpus import payloads

pytestmark = pytest.mark.browser


def page_of(fragments: list[str]) -> str:
    body = "\n".join(f'<section data-n="{n}">{fragment}</section>' for n, fragment in enumerate(fragments))
    return f"<!doctype html><html><head><meta charset=utf-8><title>corpus</title></head><body>{body}</body></html>"


def run(browser, document: str) -> tuple[list[str], object]:
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.set_content(document, wait_until="load")
        # Give handlers (onload, onerror, autofocus, animations) a moment, then hover and focus everything.
        page.wait_for_timeout(300)
        for element in page.locator("section *").all()[:2000]:
            with contextlib.suppress(PlaywrightError):  # detached or unsupported elements are fine
                element.dispatch_event("mouseover")
                element.dispatch_event("focus")
        page.wait_for_timeout(200)
        return dialogs, page.evaluate("window.__xss")
    finally:
        context.close()


def test_the_check_itself_catches_script(browser):
    dialogs, flag = run(browser, page_of(["<img src=x onerror=alert(1)>", "<script>window.__xss=1</script>"]))
    assert dialogs and flag == 1


def test_no_sanitised_payload_runs_script(browser):
    corpus = payloads()
    fragments = [sanitise_html(payload) for payload in corpus] + [
        render_markdown(payload) for payload in corpus
    ]
    dialogs, flag = run(browser, page_of(fragments))
    assert dialogs == [] and flag is None, html.escape(str(dialogs))
