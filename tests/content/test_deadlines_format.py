"""Course start and end dates and module due dates in course files: read, checked with coded
problems at their file and line, and written back unchanged."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lms.content.archive import ArchiveLimits, course_zip, read_archive
from lms.content.format import load_tree
from tests.content.trees import COURSE_TOML, write_course


def course_toml(dates: str) -> str:
    """The test course.toml with `dates` among its top-level keys (before [completion])."""
    head, _, tail = COURSE_TOML.format(slug="ict-basics").partition("[completion]")
    return f"{head}{dates}\n[completion]{tail}"


def module_toml(due: str) -> str:
    return f'title = "Getting started"\nsummary = "First steps."\n{due}\n'


def load(tmp_path: Path, course: str = "", due: str = ""):
    write_course(
        tmp_path, files={"course.toml": course_toml(course), "01-start/module.toml": module_toml(due)}
    )
    return load_tree(tmp_path)


def test_dates_are_read_as_days_and_moments_in_utc(tmp_path):
    (course,), problems = load(
        tmp_path, "starts_on = 2027-01-11\nends_on = 2027-03-26", "due = 2027-02-01T17:00:00+03:00"
    )
    assert problems == []
    assert (course.starts_on, course.ends_on) == (date(2027, 1, 11), date(2027, 3, 26))
    assert course.modules[0].due == datetime(2027, 2, 1, 14, 0, tzinfo=UTC)


def test_a_due_day_and_dates_written_as_strings_are_accepted(tmp_path):
    (course,), problems = load(tmp_path, 'starts_on = "2027-01-11"', 'due = "2027-02-01"')
    assert problems == []
    assert course.starts_on == date(2027, 1, 11) and course.modules[0].due == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("course", "due", "code", "file", "line", "text"),
    [
        ('starts_on = "next monday"', "", "key.date", "course.toml", 10, "'starts_on' must be a date"),
        ("ends_on = 2027-01-11T10:00:00Z", "", "key.date", "course.toml", 10, "'ends_on' must be a date"),
        ("starts_on = 2027-03-01\nends_on = 2027-02-01", "", "course.ends-before-starts", "course.toml", 11,
         "'ends_on' (2027-02-01) is before 'starts_on' (2027-03-01)"),
        ("", 'due = "soon"', "key.due", "module.toml", 3, "'due' must be a date such as"),
        ("", "due = 17", "key.due", "module.toml", 3, "got '17'"),
        ("", "due = 2027-02-01T17:00:00", "key.due-zone", "module.toml", 3, "without an offset from UTC"),
        ("starts_on = 2027-03-01", "due = 2027-02-28", "module.due-before-start", "module.toml", 3,
         "due on 2027-02-28, before the course starts (2027-03-01)"),
        ("ends_on = 2027-03-01", "due = 2027-03-01T23:30:00-02:00", "module.due-after-end", "module.toml", 3,
         "due on 2027-03-02, after the course ends (2027-03-01)"),
    ],
)  # fmt: skip
def test_bad_dates_are_coded_problems_at_their_file_and_line(tmp_path, course, due, code, file, line, text):
    courses, problems = load(tmp_path, course, due)
    assert courses == []
    (problem,) = problems
    assert problem.code == code and problem.line == line and problem.path.endswith(file)
    assert text in problem.message


def test_an_impossible_date_is_a_toml_problem_at_its_line(tmp_path):
    courses, problems = load(tmp_path, "", "due = 2027-02-30")
    assert courses == [] and [(p.code, p.line) for p in problems] == [("toml.invalid", 3)]


def test_a_due_date_on_the_last_day_of_the_course_is_inside_it(tmp_path):
    (course,), problems = load(tmp_path, "starts_on = 2027-03-01\nends_on = 2027-03-01", "due = 2027-03-01")
    assert problems == []


def test_the_messages_of_date_problems_are_in_the_readers_language(app, tmp_path):
    courses, (problem,) = load(tmp_path, "", 'due = "soon"')
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french = problem.message
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        arabic = problem.message
    assert len({french, arabic, problem.message}) == 3 and "due" in french and "soon" in arabic


def test_dates_survive_write_and_read(tmp_path):
    (original,), problems = load(
        tmp_path, "starts_on = 2027-01-11\nends_on = 2027-03-26", "due = 2027-02-01T17:00:00+03:00"
    )
    assert problems == []
    original.source_path = None
    (again,), problems = read_archive(course_zip(original), ArchiveLimits(), 1_000_000, 2_000_000)
    assert problems == [] and again == original
    assert again.modules[0].due == datetime(2027, 2, 1, 14, 0, tzinfo=UTC)
