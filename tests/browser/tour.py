"""A tour of every page that learners, trainers and administrators visit, for the checks that
only a browser can make: the language of each part, axe-core, the width on a phone.

The pages are the access matrix's GET requests (tests/access/) that answer an HTML page with
status 200: a page added to the matrix is toured too. A page is seen by the enrolled learner
when it opens for them, otherwise by the first of the visitor, the trainer and the
administrator that it opens for; two error pages (another learner's "enrol first", an unknown
course) complete it. Each column signs in once, through the login form, and keeps one browser
page for the whole module; the language is a cookie, changed between passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.authoring import services as authoring
from lms.extensions import db
from tests import factories
from tests.access import all_routes, build_world
from tests.conftest import empty_tables

VISITORS = ("enrolled", "anonymous", "trainer", "admin")
ERROR_PAGES = [
    ("not_enrolled", "/courses/open/lessons/m1-l1", 403),
    ("enrolled", "/courses/nope", 404),
]


@dataclass(frozen=True)
class Visit:
    visitor: str
    url: str
    name: str


def candidate_visits(world) -> list[tuple[Visit, int]]:
    """(visit, expected status) for every GET of the matrix, by the column that sees it first."""
    chosen, seen = [], set()
    for route in all_routes():
        if route.method != "GET":
            continue
        url = route.url_for(world)
        visitor = next((v for v in VISITORS if route.expected[v] == 200), None)
        if visitor is None or url in seen:
            continue
        seen.add(url)
        chosen.append((Visit(visitor, url, route.name), 200))
    for visitor, url, status in ERROR_PAGES:
        chosen.append((Visit(visitor, url, f"error {status}"), status))
    return chosen


class Tour:
    """The world, one signed-in browser page per column, and the pages to visit."""

    def __init__(self, app, browser, live_server) -> None:
        self.app, self.browser, self.base = app, browser, live_server
        with app.app_context():
            self.world = build_world()
            # Two questions, so that the quiz editor lists them one above the other.
            authoring.save_question(
                self.world.authored.modules[0], None, "single", "A second question of the module?",
                [{"text": "Yes", "correct": True, "feedback": ""}, {"text": "No", "correct": False}],
            )  # fmt: skip
            db.session.commit()
            self.candidates = [(visit, status) for visit, status in candidate_visits(self.world)]
            self.emails = {
                name: getattr(self.world, name).email
                for name in ("enrolled", "not_enrolled", "trainer", "admin")
            }
        self.contexts: dict[str, object] = {}
        self.pages: dict[str, object] = {}
        self.visits = self._html_pages()

    def page(self, visitor: str, language: str = "en", width: int = 1280):
        """The visitor's page, in `language`, `width` pixels wide."""
        if visitor not in self.pages:
            context = self.browser.new_context(
                base_url=self.base, bypass_csp=True, viewport={"width": width, "height": 800}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            if visitor != "anonymous":
                page.goto("/login")
                page.fill("input[name=email]", self.emails[visitor])
                page.fill("input[name=password]", factories.DEFAULT_PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_load_state()
                assert "/login" not in page.url, f"{visitor} could not sign in"
            self.contexts[visitor], self.pages[visitor] = context, page
        page = self.pages[visitor]
        page.context.add_cookies([{"name": "lang", "value": language, "url": self.base}])
        page.set_viewport_size({"width": width, "height": 800})
        return page

    def _html_pages(self) -> list[Visit]:
        """The candidates that answer HTML (downloads and JSON are not pages), checking that
        each answers the status the matrix expects."""
        pages, wrong = [], []
        for visit, status in self.candidates:
            response = self.page(visit.visitor).context.request.get(visit.url, max_redirects=0)
            if response.status != status:
                wrong.append(f"{visit}: {response.status}, expected {status}")
            elif response.headers.get("content-type", "").startswith("text/html") and (
                "attachment" not in response.headers.get("content-disposition", "")  # a download
            ):
                pages.append(visit)
            response.dispose()
        assert not wrong, wrong
        return pages

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        empty_tables(self.app)


def visit(tour: Tour, visit: Visit, language: str, width: int = 1280):
    """Open `visit` in `language` at `width` px; returns the page, after checking the status."""
    page = tour.page(visit.visitor, language, width)
    response = page.goto(visit.url)
    assert response is not None and response.status < 500, f"{visit.url}: {response and response.status}"
    return page
