"""The hub's reader pages in a real browser: axe-core's WCAG 2.2 A and AA rules in English and
Arabic at 1280 and 360 pixels, and nothing wider than a 320-pixel phone."""

from __future__ import annotations

import pytest

from tests.browser.test_axe_and_phones import WIDER_THAN_THE_SCREEN, violations
from tests.hub.helpers import make_item

pytestmark = pytest.mark.browser

URLS = ["/hub", "/hub/search?q=tutors", "/hub/practice/long-practice", "/hub/publication/arabic-report"]


@pytest.fixture
def items(db):
    body = (
        "## The problem\n\n"
        + "A long paragraph about tutors. " * 40
        + "\n\n| Year | Students | Cost per student (USD) |\n|---|---|---|\n| 2023 | 2,950 | 41 |\n"
    )
    make_item(
        slug="long-practice",
        title="Rotating halves: blended first-year teaching when the hall is too small",
        body=body,
        illustrative=True,
        doi="10.5281/zenodo.1234567",
    )
    make_item(
        slug="arabic-report",
        kind="publication",
        language="ar",
        title="تقرير عن المعلمين",
        body="## مقدمة\n\nنص عن tutors.",
        pdf_text="Text of the report.",
    )
    db.session.commit()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_hub_pages_pass_axe_and_fit_a_phone(browser, live_server, items, language):
    context = browser.new_context(base_url=live_server, bypass_csp=True, java_script_enabled=True)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    found, too_wide = [], []
    try:
        for url in URLS:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            for width in (1280, 360):
                page.set_viewport_size({"width": width, "height": 800})
                found += [f"{url} ({width}px): {v}" for v in violations(page)]
            page.set_viewport_size({"width": 320, "height": 640})
            too_wide += [f"{url}: {p}" for p in page.evaluate(WIDER_THAN_THE_SCREEN)]
    finally:
        context.close()
    assert not found, "axe-core:\n" + "\n".join(found)
    assert not too_wide, "wider than a 320-pixel screen:\n" + "\n".join(too_wide)
