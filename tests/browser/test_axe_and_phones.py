"""axe-core and a phone's width on every page of the tour (tests/browser/tour.py).

axe-core (the engine bundled by axe-playwright-python) runs with the WCAG 2.0, 2.1 and 2.2 A
and AA rules on every page, in English and Arabic, 1280 and 360 pixels wide, and any violation
fails. The pages' Content-Security-Policy forbids injected scripts, so the tour's browser
contexts bypass it (the policy itself is tested elsewhere). Then no page may scroll sideways at
320 pixels, in any interface language: wide tables scroll inside their own region instead.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.tour import visit

pytestmark = [pytest.mark.browser, pytest.mark.shared_world]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE = Axe()
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
WIDER_THAN_THE_SCREEN = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  // Name the widest elements that stick out, to say what to fix.
  return [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 || e.getBoundingClientRect().left < -1)
    .slice(-5)
    .map((e) => `${root.scrollWidth}px > ${root.clientWidth}px: ${e.outerHTML.slice(0, 100)}`);
}"""


def violations(page) -> list[str]:
    results = AXE.run(page, options=OPTIONS).response
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['html'][:120]}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_passes_axe_at_1280_and_360_pixels_and_fits_320(tour, language):
    """One load of each page serves the three widths: the layout follows the viewport."""
    found, too_wide = [], []
    for page_visit in tour.visits:
        page = visit(tour, page_visit, language, 1280)
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            found += [f"{page_visit.url} ({page_visit.visitor}, {width}px): {v}" for v in violations(page)]
        page.set_viewport_size({"width": 320, "height": 640})
        too_wide += [
            f"{page_visit.url} ({page_visit.visitor}): {p}" for p in page.evaluate(WIDER_THAN_THE_SCREEN)
        ]
    assert not found, "axe-core:\n" + "\n".join(found)
    assert not too_wide, "wider than a 320-pixel screen:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("language", ["fr", "pt", "sw", "zh", "id"])
def test_no_page_scrolls_sideways_on_a_320_pixel_phone_in_the_other_languages(tour, language):
    """French and Portuguese words are the longest, Swahili's and Indonesian's compounds the
    widest unbreakable runs, Chinese lines break anywhere but its names are wide."""
    too_wide = []
    for page_visit in tour.visits:
        page = visit(tour, page_visit, language, 320)
        too_wide += [
            f"{page_visit.url} ({page_visit.visitor}): {p}" for p in page.evaluate(WIDER_THAN_THE_SCREEN)
        ]
    assert not too_wide, "\n".join(too_wide)
