"""The courses we ship are valid, substantial, and import cleanly."""

from pathlib import Path

import pytest

from lms.content.format import load_tree
from lms.courses.models import Audience

COURSES = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture(scope="module")
def shipped():
    courses, problems = load_tree(COURSES)
    assert [str(p) for p in problems] == []
    return {course.slug: course for course in courses}


def test_four_courses_cover_every_audience(shipped):
    assert len(shipped) >= 4
    audiences = [course.audience for course in shipped.values()]
    assert audiences.count(Audience.FACULTY) >= 2
    assert Audience.LEADERS in audiences and Audience.POLICY_MAKERS in audiences


@pytest.mark.parametrize(
    "slug",
    [
        "blended-course-design",
        "inclusive-digital-teaching",
        "ict-institutional-management",
        "digital-transformation-policy",
    ],
)
def test_each_course_is_substantial(shipped, slug):
    course = shipped[slug]
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    assert len(course.modules) >= 4
    assert len(lessons) >= 12
    assert all(module.quiz is not None for module in course.modules)
    assert 3 <= course.hours <= 6
    assert sum(lesson.minutes for lesson in lessons) / 60 <= course.hours
    assert all(len(lesson.body.split()) >= 600 for lesson in lessons)


def test_shipped_courses_import_in_one_go(runner):
    result = runner.invoke(args=["courses", "import", str(COURSES), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Imported 4 course(s)" in result.output
