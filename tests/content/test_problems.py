"""Problems of the course format are data: every code renders, in every language we serve."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from lms.content.problems import MESSAGES, Place, Problem
from lms.content.tree import lesson_body
from lms.content.validation import validate_course
from tests import factories

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def sample_params(code: str) -> dict[str, str]:
    return {
        name: f"<{name}-{index}>" for index, name in enumerate(PLACEHOLDER.findall(MESSAGES[code]._args[0]))
    }


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_problem_code_renders_in_english_french_and_arabic(app_context, code):
    params = sample_params(code)
    problem = Problem(code, Place("course.toml", 3), params)
    rendered = {}
    for language in ("en", "fr", "ar"):
        with force_locale(language):
            rendered[language] = problem.message
        assert "%(" not in rendered[language]
        assert all(value in rendered[language] for value in params.values()), rendered[language]
    assert rendered["fr"] != rendered["en"] and rendered["ar"] != rendered["en"], rendered


def test_a_problem_says_where_it_is_in_the_file(app_context):
    problem = Problem("key.missing", Place("c/course.toml", 4), {"key": "title"})
    assert str(problem) == "c/course.toml:4: missing required key 'title'"
    assert str(Problem("course.no-toml", Place("c"))) == "c: course folder without a course.toml"


def test_an_unknown_code_is_a_bug_not_a_message():
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("lesson.too-short", Place())


def test_a_tree_made_in_memory_is_validated_without_files(app_context):
    course = factories.course_spec("memory")
    assert validate_course(course) == []
    course.modules[0].lessons[0].body = lesson_body("![map](https://example.org/map.png)")
    course.modules[1].quiz.questions[0].options[0].correct = False
    course.hours = 0.1
    problems = validate_course(course)
    assert [(p.code, p.place, dict(p.params)) for p in problems] == [
        ("key.range", Place(), {"key": "hours", "low": 0.5, "high": 200, "value": 0.1}),
        ("image.outside", Place(module=1, lesson=1, text_line=1), {"target": "https://example.org/map.png"}),
        ("question.no-correct", Place(module=2, quiz=True), {"question": "'q1'"}),
    ]
