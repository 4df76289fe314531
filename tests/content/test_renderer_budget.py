"""The renderer's budget (lms/content/budget.py): texts that made Python-Markdown quadratic or
recursive are refused with a message naming the problem and its line, in the renderer, in course
files (`flask courses import`, ZIP import) and in the lesson editor; ordinary lessons, however
long within the budget, still render. bench/bench_markup.py measures the times."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from lms.content import budget
from lms.content.format import load_tree
from lms.content.markup import MarkupTooComplex, check_markdown, render_markdown
from lms.courses.models import Course
from lms.roles import Role
from tests.content.trees import lesson, write_course

PATHOLOGICAL = {
    "nested emphasis": ("*" * 3000 + "x" + "*" * 3000, "run", 1),
    "20 KB of [": ("Intro.\n\n" + "[" * 20_000, "brackets", 3),
    "unclosed link targets": ("[](" * 2000, "brackets", 1),
    "nested links": ("[" * 1500 + "x" + "](/a)" * 1500, "nesting", 1),
    "unclosed tags": ("<a " * 5000, "angles", 1),
    "inequalities": (("A a<b line of prose. " * 40 + "\n\n") * 40, "angles", 1),
    "one footnote cited 2,000 times": ("x[^1] " * 2000 + "\n\n[^1]: note\n", "footnote", 1),
    "lists 300 deep": ("".join("    " * i + "- x\n" for i in range(300)), "nesting", 34),
    "quotes 3,000 deep": ("Text.\n\n" + ">" * 3000 + " x", "nesting", 3),
    "nested inline HTML": ("<em>" * 3000 + "x" + "</em>" * 3000, "size", None),
    "a lesson too long for one page": ("Words and more words. " * 20_000, "size", None),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_text_is_refused_with_its_problem_and_line(app_context, name):
    text, code, line = PATHOLOGICAL[name]
    with pytest.raises(MarkupTooComplex) as refused:
        render_markdown(text)
    assert (refused.value.limit.code, refused.value.limit.line) == (code, line)
    assert check_markdown(text) == refused.value.limit
    assert refused.value.limit.message()  # every code has a message


def test_the_message_names_the_problem_and_the_line(app_context):
    with pytest.raises(MarkupTooComplex) as refused:
        render_markdown("Fine.\n\n" + "*" * 3000 + "x" + "*" * 3000)
    assert str(refused.value) == "Line 3: 3000 '*' or '_' in a row; at most 100 can be rendered."


def test_recursion_the_scan_did_not_foresee_is_a_nesting_problem(app_context, monkeypatch):
    monkeypatch.setattr("lms.content.markup.prescan", lambda text: None)
    with pytest.raises(MarkupTooComplex) as refused:
        render_markdown("*" * 3000 + "x" + "*" * 3000)
    assert refused.value.limit.code == "deep"


ORDINARY = {
    "nesting at the limit": "".join("    " * i + "- x\n" for i in range(budget.MAX_DEPTH)),
    "links nested to the limit": "[" * budget.MAX_DEPTH + "x" + "](/a)" * budget.MAX_DEPTH,
    "emphasis 50 deep": "*" * 50 + "x" + "*" * 50,
    "worksheet blanks and rules": "Name: " + "_" * 60 + "\n\n" + "*" * 300 + "\n\n" + "_" * 300 + "\n",
    "sad faces and inequalities": ("It failed :( again, as 1<2 says. " * 40 + "\n\n") * 3,
    "brackets in fenced code": "```\n" + "[" * 20_000 + "\n" + "<a " * 5000 + "\n```\n",
    "footnote cited 100 times": "x[^1] " * 100 + "\n\n[^1]: note\n",
    "150 KB of prose": ("A sentence of ordinary prose. " * 50 + "A [link](https://example.org).\n\n") * 100,
}


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_text_renders(app_context, name):
    assert check_markdown(ORDINARY[name]) is None
    assert render_markdown(ORDINARY[name])


def test_a_refused_lesson_file_is_a_problem_at_its_line_in_the_file(app_context, tmp_path):
    body = "Intro.\n\n" + "*" * 3000 + "x" + "*" * 3000 + "\n"
    write_course(tmp_path, files={"01-start/01-welcome.md": lesson("Welcome", body=body)})
    specs, problems = load_tree(tmp_path)
    # The header takes lines 1-4, a blank line 5; the body starts on line 6.
    assert [str(problem) for problem in problems] == [
        f"{tmp_path}/ict-basics/01-start/01-welcome.md:8: 3000 '*' or '_' in a row; at most 100 can be rendered."
    ]


def test_flask_courses_import_prints_file_and_line_and_imports_nothing(runner, db, tmp_path):
    write_course(tmp_path, files={"01-start/01-welcome.md": lesson("Welcome", body="[" * 20_000)})
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "ict-basics/01-start/01-welcome.md:6: Too many '[' or '(' that are never closed" in result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert db.session.execute(select(func.count()).select_from(Course)).scalar_one() == 0


def test_a_zip_with_a_pathological_lesson_is_refused_in_the_browser(db, login, make_user, tmp_path):
    folder = write_course(tmp_path, files={"01-start/01-welcome.md": lesson("Welcome", body="<a " * 5000)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(tmp_path)))
    editor = login(make_user(role=Role.TRAINER))
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(buffer.getvalue()), "c.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ict-basics/01-start/01-welcome.md:6: Too many &#39;&lt;&#39; that are never closed" in page
    assert db.session.execute(select(Course)).first() is None
