"""Course files and archives built to break the reader get problems or a refusal, never a 500."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from lms.content.archive import ArchiveError, ArchiveLimits, read_archive
from lms.content.format import load_tree
from lms.courses.models import Course
from lms.roles import Role
from tests.content.test_archive import zip_of
from tests.content.trees import COURSE_TOML, QUIZ_TOML, lesson, write_course

DEEP = "outcomes = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (
            {"course.toml": COURSE_TOML.format(slug="x").replace("outcomes = [", DEEP + "extra = [")},
            "toml.too-deep",
        ),
        ({"01-start/quiz.toml": QUIZ_TOML.replace("Pick the right one.", "Pick\\u0000 one.")}, "file.nul"),
        ({"01-start/01-welcome.md": lesson(body="Text\x00with a NUL.\n")}, "file.nul"),
        ({"01-start/module.toml": 'title = "M"\n' + "# padding\n" * 3000}, "file.too-large"),
        ({"01-start/01-welcome.md": b'+++\ntitle = "\xff"\n+++\n'}, "file.encoding"),
    ],
)
def test_hostile_files_are_problems(tmp_path, files, code):
    write_course(tmp_path, files=files)
    courses, problems = load_tree(tmp_path, max_lesson_bytes=20_000)
    assert courses == []
    assert code in [problem.code for problem in problems], [str(problem) for problem in problems]


def corrupted(entries: dict[str, bytes], victim: str) -> bytes:
    """A stored (uncompressed) ZIP whose entry `victim` no longer matches its CRC."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    original = entries[victim]
    return data.replace(original, bytes([original[0] ^ 1]) + original[1:], 1)


def test_an_entry_that_fails_its_checksum_refuses_the_archive():
    entries = {"c/course.toml": COURSE_TOML.format(slug="c").encode(), "c/01-m/module.toml": b'title = "M"\n'}
    with pytest.raises(ArchiveError, match="cannot be unpacked"):
        read_archive(corrupted(entries, "c/course.toml"), ArchiveLimits(), 1_000_000, 2_000_000)


def test_a_name_used_by_a_file_and_a_folder_refuses_the_archive():
    with pytest.raises(ArchiveError, match="appears twice"):
        read_archive(zip_of({"c/course.toml": b"", "c/course.toml/x": b""}), ArchiveLimits(), 1_000, 1_000)
    with pytest.raises(ArchiveError, match="appears twice"):
        read_archive(zip_of({"c/a": b"1", "c/./a": b"2"}), ArchiveLimits(), 1_000, 1_000)


@pytest.mark.parametrize(
    ("archive", "shown"),
    [
        (zip_of({"c/course.toml": DEEP.encode()}), "values are nested too deeply"),
        (
            corrupted({"c/course.toml": COURSE_TOML.format(slug="c").encode()}, "c/course.toml"),
            "cannot be unpacked",
        ),
        (zip_of({"c/course.toml": b"x", "c/course.toml/y": b""}), "appears twice"),
    ],
)
def test_the_browser_import_refuses_hostile_archives_with_a_400(db, login, make_user, archive, shown):
    editor = login(make_user(role=Role.TRAINER))
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(archive), "x.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert shown in response.get_data(as_text=True)
    assert db.session.execute(select(Course)).first() is None
