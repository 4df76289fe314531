"""A lesson printed (or saved as PDF) from the browser: only the lesson's text, with each link's
address written after it."""

import pytest

from lms.content.format import LessonSpec
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def linked_lesson(db):
    spec = factories.course_spec("printable", modules=1, lessons=2)
    spec.modules[0].lessons[0] = LessonSpec(
        "m1-l1",
        "Lesson 1.1",
        10,
        "See [the UNESCO framework](https://www.unesco.org/ict-cft) and [notes](#h-notes).\n",
    )
    from lms.content.importer import ImportReport, apply_course

    course = apply_course(spec, ImportReport())
    learner = factories.make_user(email="printer@example.org")
    factories.enrol(learner, course)
    db.session.commit()
    return learner


def test_a_printed_lesson_has_no_navigation_and_shows_link_addresses(page, linked_lesson):
    page.goto("/login")
    page.get_by_label("Email address").fill("printer@example.org")
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/courses/printable/lessons/m1-l1")
    page.emulate_media(media="print")
    hidden = [
        ".site-header nav",
        ".site-footer",
        ".breadcrumb",
        ".course-outline",
        ".lesson-actions",
        ".skip-link",
    ]
    for selector in hidden:
        assert page.locator(selector).evaluate("e => getComputedStyle(e).display") == "none", selector
    assert page.get_by_role("heading", name="Lesson 1.1").is_visible()
    shown = page.locator(".lesson-body a").evaluate_all(
        "links => links.map(a => getComputedStyle(a, '::after').content)"
    )
    assert shown == ['" <https://www.unesco.org/ict-cft>"', "none"]
    page.emulate_media(media="screen")
    assert page.locator(".course-outline").is_visible()
