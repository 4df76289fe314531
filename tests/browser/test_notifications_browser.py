"""The notifications, settings, unsubscribe and announcement pages in a browser: axe-core's
WCAG 2.2 AA rules (English and Arabic, 1280 and 360 pixels) and no sideways scrolling on a
320-pixel phone in every interface language. The whole tour (test_axe_and_phones.py) visits
them too; this runs just these pages."""

from __future__ import annotations

import pytest

from tests.browser.test_axe_and_phones import WIDER_THAN_THE_SCREEN, violations
from tests.browser.tour import visit

pytestmark = [pytest.mark.browser, pytest.mark.shared_world]

OURS = ("/notifications", "/account/notifications", "/unsubscribe/", "/announcements")


@pytest.fixture(scope="module")
def ours(tour):
    pages = [page_visit for page_visit in tour.visits if any(part in page_visit.url for part in OURS)]
    assert len(pages) >= 5, pages
    return pages


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_pass_axe_at_1280_and_360_pixels(tour, ours, language):
    found = []
    for page_visit in ours:
        page = visit(tour, page_visit, language, 1280)
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            found += [f"{page_visit.url} ({page_visit.visitor}, {width}px): {v}" for v in violations(page)]
    assert not found, "axe-core:\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["en", "fr", "ar", "pt", "sw", "zh", "id"])
def test_no_page_scrolls_sideways_on_a_320_pixel_phone(tour, ours, language):
    too_wide = []
    for page_visit in ours:
        page = visit(tour, page_visit, language, 320)
        too_wide += [f"{page_visit.url}: {p}" for p in page.evaluate(WIDER_THAN_THE_SCREEN)]
    assert not too_wide, "\n".join(too_wide)


def test_the_unsubscribe_button_works_without_javascript_or_a_session(browser, live_server, tour):
    [link] = [v.url for v in tour.visits if v.url.startswith("/unsubscribe/")]
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(link)
        page.locator("main").get_by_role("button").click()
        page.wait_for_load_state()
        assert page.locator("[role=status]").count() == 1
    finally:
        context.close()
