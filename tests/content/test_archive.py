"""Course archives: export, import and round trips; unsafe archives refused before unpacking."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.content.archive import ArchiveError, ArchiveLimits, course_zip, open_archive, read_archive
from lms.content.format import load_tree
from lms.courses.models import Course, Lesson, Module
from lms.quizzes.models import Option, Question, Quiz
from lms.roles import Role
from tests.authoring.helpers import PNG

COURSES = Path(__file__).resolve().parents[2] / "courses"
SHIPPED = sorted(path for path in COURSES.iterdir() if (path / "course.toml").is_file())


def zip_of(entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_folder(folder: Path) -> bytes:
    return zip_of(
        {
            str(path.relative_to(folder.parent)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
    )


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../evil.txt", "course/../../evil.txt", "C:/evil.txt", "c:evil.txt", "course\\..\\evil.txt",
     "course/\x01name"],
)  # fmt: skip
def test_paths_that_could_escape_are_refused(name):
    with pytest.raises(ArchiveError):
        open_archive(zip_of({name: b"x"}), ArchiveLimits())


def test_symbolic_links_are_refused():
    with pytest.raises(ArchiveError, match="symbolic link"):
        open_archive(zip_of({"course/link": b"/etc/passwd"}, symlinks=("course/link",)), ArchiveLimits())


def test_sizes_and_counts_are_checked_before_any_entry_is_read():
    many = zip_of({f"f{n}.txt": b"" for n in range(11)})
    with pytest.raises(ArchiveError, match="more than 10 files"):
        open_archive(many, ArchiveLimits(max_files=10))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * 5_000_000)
    with pytest.raises(ArchiveError, match="unpack to more than"):
        open_archive(bomb.getvalue(), ArchiveLimits(max_uncompressed_bytes=1_000_000))
    with pytest.raises(ArchiveError, match="larger than"):
        open_archive(bomb.getvalue(), ArchiveLimits(max_bytes=100))


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(ArchiveError, match="not a ZIP"):
        open_archive(b"plain text", ArchiveLimits())


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda path: path.name)
def test_shipped_courses_survive_write_and_read(app_context, folder):
    (original,), problems = load_tree(folder)
    assert problems == []
    original.source_path = None
    (again,), problems = read_archive(course_zip(original), ArchiveLimits(), 1_000_000, 2_000_000)
    assert problems == [] and again == original


def snapshot(db, slug: str) -> dict:
    """Everything learners see of a course, without ids and timestamps."""
    course = db.session.execute(select(Course).where(Course.slug == slug)).scalar_one()
    columns = lambda row, skip=(): {  # noqa: E731
        c.key: getattr(row, c.key) for c in row.__table__.columns
        if c.key not in {"id", "course_id", "module_id", "quiz_id", "question_id", "created_at", "updated_at",
                         *skip}
    }  # fmt: skip
    modules = db.session.execute(
        select(Module).where(Module.course_id == course.id).order_by(Module.position)
    )
    result = {"course": columns(course), "modules": []}
    for module in modules.scalars():
        lessons = db.session.execute(
            select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position)
        )
        quiz = db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one_or_none()
        questions = []
        if quiz is not None:
            for question in db.session.execute(
                select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
            ).scalars():
                options = db.session.execute(
                    select(Option).where(Option.question_id == question.id).order_by(Option.position)
                ).scalars()
                questions.append((columns(question), [columns(option) for option in options]))
        result["modules"].append(
            (columns(module), [columns(lesson) for lesson in lessons.scalars()],
             columns(quiz) if quiz else None, questions)
        )  # fmt: skip
    return result


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda path: path.name)
def test_shipped_courses_round_trip_through_browser_import_and_export(db, login, make_user, folder):
    editor = login(make_user(role=Role.TRAINER))
    (original,), _ = load_tree(folder)
    original.source_path = None
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(zip_folder(folder)), "course.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    first = snapshot(db, original.slug)
    exported = editor.get(f"/authoring/{original.slug}/export.zip")
    assert exported.headers["Content-Type"] == "application/zip"
    (spec,), problems = read_archive(exported.data, ArchiveLimits(), 1_000_000, 2_000_000)
    assert problems == [] and spec == original
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(exported.data), "again.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    assert snapshot(db, original.slug) == first


def test_images_round_trip_with_their_names(db, login, make_user):
    editor = login(make_user(role=Role.TRAINER))
    course = {
        "c/course.toml": b'slug = "pics"\ntitle = "Pictures"\naudience = "faculty"\nlanguage = "fr"\nhours = 1\nversion = "2.0"\n'
        b'outcomes = ["See."]\n[completion]\nrule = "all-lessons"\npass_mark = 50\n',
        "c/01-m/module.toml": b'title = "M"\n',
        "c/01-m/01-l.md": b'+++\ntitle = "L"\nminutes = 3\n+++\n\n![Map](images/map.png)\n',
        "c/01-m/images/map.png": PNG,
    }
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(zip_of(course)), "pics.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "l")).scalar_one()
    assert '<img alt="Map" src="/media/' in lesson.body_html
    assert db.session.execute(select(Course.version).where(Course.slug == "pics")).scalar_one() == "2.0"
    exported = editor.get("/authoring/pics/export.zip").data
    names = zipfile.ZipFile(io.BytesIO(exported)).namelist()
    assert "pics/01-m/images/map.png" in names
    assert (
        zipfile.ZipFile(io.BytesIO(exported)).read("pics/01-m/01-l.md").endswith(b"![Map](images/map.png)\n")
    )


def test_an_invalid_archive_is_refused_with_problems_and_imports_nothing(db, login, make_user):
    editor = login(make_user(role=Role.TRAINER))
    broken = {"c/course.toml": b'slug = "Bad Slug"\n', "c/01-m/module.toml": b'title = "M"\n'}
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(zip_of(broken)), "bad.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "course slug &#39;Bad Slug&#39; must be lowercase" in page
    assert db.session.execute(select(Course)).first() is None


def test_an_unsafe_archive_is_refused_in_the_browser(db, login, make_user):
    editor = login(make_user(role=Role.TRAINER))
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(zip_of({"../x": b""})), "x.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert "The archive was refused: &#39;../x&#39; points outside its folder." in response.get_data(
        as_text=True
    )


def test_a_course_managed_as_files_cannot_be_replaced_from_the_browser(db, login, make_user):
    from tests import factories

    factories.make_course("test-course")
    editor = login(make_user(role=Role.TRAINER))
    (spec,), _ = load_tree(SHIPPED[0])
    spec.slug = "test-course"
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(course_zip(spec)), "x.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert "is managed as files on the server" in response.get_data(as_text=True)


def test_an_unsafe_archive_is_refused_in_the_readers_language(db, login, make_user):
    editor = login(make_user(role=Role.TRAINER))
    editor.submit("/language", {"language": "fr"})
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(b"plain text"), "x.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert "le fichier n’est pas une archive ZIP" in response.get_data(as_text=True)
