"""The file format's validator reports every problem with its file and line."""

from pathlib import Path

import pytest

from lms.content.format import load_tree
from tests.content.trees import QUIZ_TOML, lesson, write_course


def problems_for(tmp_path: Path, files: dict) -> list[str]:
    write_course(tmp_path, files=files)
    courses, problems = load_tree(tmp_path)
    assert not courses or not problems
    return [str(problem) for problem in problems]


def test_a_valid_tree_loads_with_its_structure(tmp_path):
    write_course(tmp_path)
    courses, problems = load_tree(tmp_path)
    assert problems == []
    (course,) = courses
    assert course.slug == "ict-basics"
    assert [lesson.slug for lesson in course.modules[0].lessons] == ["welcome", "tools"]
    assert "images/diagram.png" in course.modules[0].lessons[1].images
    assert course.modules[0].quiz.questions[0].options[0].correct


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"course.toml": 'slug = "x"\ntitle = "T"\n'}, "course.toml: missing required key 'audience'"),
        ({"course.toml": 'slug = "Bad Slug"\n'}, "course.toml:1: course slug 'Bad Slug' must be lowercase"),
        ({"course.toml": 'slug = "x"\ntitle = \nsummary = "s"\n'}, "course.toml:2: invalid TOML"),
        ({"01-start/module.toml": None}, "01-start/module.toml: missing module.toml"),
        ({"01-start/03-extra.md": "no header here\n"}, "03-extra.md:1: a lesson starts with a header"),
        (
            {"01-start/03-extra.md": "+++\ntitle = 'x'\nminutes = 5\n"},
            "03-extra.md:1: the header opened on line 1 is never closed",
        ),
        ({"01-start/03-extra.md": lesson(minutes=0)}, "03-extra.md:3: 'minutes' must be between 1 and 600"),
        (
            {"01-start/03-extra.md": lesson(body="![x](images/missing.png)\n")},
            "03-extra.md:6: image 'images/missing.png' does not exist",
        ),
        (
            {"01-start/03-extra.md": lesson(body="![x](../../secret.png)\n")},
            "must be a file in this module's images/ folder",
        ),
        (
            {
                "01-start/03-extra.md": lesson(body="ok\n"),
                "01-start/images/fake.png": b"<svg onload=alert(1)>",
            },
            None,
        ),
        (
            {
                "01-start/03-extra.md": lesson(body="![x](images/fake.png)\n"),
                "01-start/images/fake.png": b"<svg/>",
            },
            "is not a PNG, JPEG, GIF or WebP image",
        ),
        ({"01-start/03-welcome.md": lesson()}, "slug 'welcome' is also used by 01-welcome.md"),
        (
            {"01-start/quiz.toml": QUIZ_TOML.replace("correct = true", "correct = false")},
            "quiz.toml:4: question 'q1': no option is marked correct",
        ),
        (
            {"01-start/quiz.toml": QUIZ_TOML.replace('type = "single"', 'type = "essay"')},
            "quiz.toml:6: question 'q1': 'type' must be one of",
        ),
        (
            {"01-start/quiz.toml": QUIZ_TOML.replace('slug = "b"', 'slug = "a"')},
            "option slug 'a' is used twice",
        ),
        ({"course.toml": None}, "course folder without a course.toml"),
        ({"01-start/notes.txt": "stray"}, "unexpected file in a module folder"),
    ],
)
def test_problems_name_the_file_line_and_fault(tmp_path, files, expected):
    found = problems_for(tmp_path, files)
    if expected is None:
        assert found == []
    else:
        assert any(expected in problem for problem in found), found


def test_every_problem_in_a_tree_is_reported_at_once(tmp_path):
    found = problems_for(
        tmp_path,
        {
            "01-start/01-welcome.md": lesson(minutes=-1),
            "01-start/quiz.toml": QUIZ_TOML.replace("correct = true", ""),
        },
    )
    assert len(found) == 2


def test_two_courses_with_one_slug_are_refused(tmp_path):
    write_course(tmp_path, slug="one")
    write_course(tmp_path, slug="two", files={"course.toml": (tmp_path / "one" / "course.toml").read_text()})
    _, problems = load_tree(tmp_path)
    assert any("course slug 'one' is also used" in str(p) for p in problems)


def test_true_false_needs_exactly_two_options(tmp_path):
    quiz = (
        QUIZ_TOML.replace('type = "single"', 'type = "true-false"')
        + '\n  [[questions.options]]\n  slug = "c"\n  text = "Maybe"\n'
    )
    found = problems_for(tmp_path, {"01-start/quiz.toml": quiz})
    assert any("exactly two options" in p for p in found)


def test_oversized_lesson_is_refused(tmp_path):
    write_course(tmp_path, files={"01-start/03-big.md": lesson(body="x" * 2000)})
    _, problems = load_tree(tmp_path, max_lesson_bytes=1000)
    assert any("larger than 1 KB" in str(p) for p in problems)


def test_unknown_keys_are_reported_with_their_line(tmp_path):
    folder = write_course(tmp_path)
    path = folder / "course.toml"
    path.write_text(path.read_text().replace('version = "1.0"', 'version = "1.0"\ncolour = "blue"'))
    _, problems = load_tree(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:8: unknown key 'colour' (allowed: audience, completion, ends_on, enrol_from, enrol_until, enrolment_key, hours, image, image_alt, language, outcomes, published, slug, starts_on, summary, title, version)"
    ]
