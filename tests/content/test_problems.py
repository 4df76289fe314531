"""Problems of the course format are data: every code renders, in every language we serve."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from lms.content import budget
from lms.content.problems import IMAGE_CODES, MARKUP_CODES, MESSAGES, Place, Problem
from lms.content.tree import lesson_body
from lms.content.validation import validate_course
from lms.media import images
from tests import factories

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# The renderer's limits take the parameters of lms/content/budget.py's messages.
MARKUP_PARAMS = {"nesting": {"depth": 47}, "run": {"count": 3001}, "footnote": {"label": "n1", "count": 201},
                 "size": {"percent": 131}}  # fmt: skip


IMAGE_PARAMS = {"pixels": {"megapixels": "31.2", "limit": "25"}, "trailing": {"kind": "PNG"}}


def sample_params(code: str) -> dict[str, object]:
    if code.startswith("markup."):
        return MARKUP_PARAMS.get(code.removeprefix("markup."), {})
    if code.removeprefix("image.") in IMAGE_CODES:
        return {"target": "images/map.png", **IMAGE_PARAMS.get(code.removeprefix("image."), {})}
    template = MESSAGES[code]._args[0]
    return {name: f"<{name}-{index}>" for index, name in enumerate(PLACEHOLDER.findall(template))}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_problem_code_renders_in_english_french_and_arabic(app_context, code):
    params = sample_params(code)
    problem = Problem(code, Place("course.toml", 3), params)
    rendered = {}
    for language in ("en", "fr", "ar"):
        with force_locale(language):
            rendered[language] = problem.message
        assert "%(" not in rendered[language]
        assert all(str(value) in rendered[language] for value in params.values()), rendered[language]
    assert rendered["fr"] != rendered["en"] and rendered["ar"] != rendered["en"], rendered


def test_a_problem_says_where_it_is_in_the_file(app_context):
    problem = Problem("key.missing", Place("c/course.toml", 4), {"key": "title"})
    assert str(problem) == "c/course.toml:4: missing required key 'title'"
    assert str(Problem("course.no-toml", Place("c"))) == "c: course folder without a course.toml"


def test_every_limit_of_the_renderer_and_refusal_of_an_image_is_a_problem_code():
    assert set(MARKUP_CODES) == set(budget._MESSAGES)
    assert set(IMAGE_CODES) | {"type", "broken"} == set(images._MESSAGES)


def test_an_image_with_script_inside_is_a_problem_of_its_line(app_context):
    from tests.authoring.helpers import PNG

    course = factories.course_spec("memory")
    lesson = course.modules[1].lessons[0]
    lesson.body = lesson_body("Text.\n\n![map](images/map.png)")
    lesson.images = {"images/map.png": PNG + b"<script>alert(1)</script>"}
    (problem,) = validate_course(course)
    assert (problem.code, problem.place) == ("image.active", Place(module=2, lesson=1, text_line=3))
    assert (
        problem.message
        == "image 'images/map.png': The image contains web-page or script code; it is refused."
    )


def test_a_lesson_the_renderer_refuses_is_a_problem_of_its_line(app_context):
    course = factories.course_spec("memory")
    course.modules[0].lessons[1].body = lesson_body("Fine.\n\n" + "*" * 3000 + "x" + "*" * 3000)
    (problem,) = validate_course(course)
    assert (problem.code, problem.place, dict(problem.params)) == (
        "markup.run", Place(module=1, lesson=2, text_line=3), {"count": 3000},
    )  # fmt: skip
    assert problem.message == "3000 '*' or '_' in a row; at most 100 can be rendered."


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
