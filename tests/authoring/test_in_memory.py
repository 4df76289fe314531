"""Publishing and importing an archive happen in memory: no temporary folder, no file written
but the images of the media store."""

from __future__ import annotations

import io
import tempfile

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from lms.roles import Role
from tests.content.test_archive import SHIPPED, zip_folder


@pytest.fixture
def no_temporary_files(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("a temporary file or folder was made")

    for name in ("TemporaryDirectory", "mkdtemp", "mkstemp", "NamedTemporaryFile", "TemporaryFile",
                 "SpooledTemporaryFile"):  # fmt: skip
        monkeypatch.setattr(tempfile, name, refused)


def test_publishing_a_draft_makes_no_temporary_folder(db, editor, draft, no_temporary_files):
    assert editor.submit("/authoring/phones/publish").status_code == 302
    assert db.session.execute(select(Course.published).where(Course.slug == "phones")).scalar_one()


def test_a_refused_publication_makes_no_temporary_folder_either(db, editor, draft, no_temporary_files):
    from lms.authoring import services

    services.add_module(draft, "Empty module")
    db.session.commit()
    response = editor.submit("/authoring/phones/publish")
    assert response.status_code == 400
    assert "Module “Empty module”: add a lesson or a quiz" in response.get_data(as_text=True)


def test_importing_and_exporting_an_archive_make_no_temporary_folder(
    db, login, make_user, no_temporary_files
):
    editor = login(make_user(role=Role.TRAINER))
    data = zip_folder(SHIPPED[0])
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(data), "course.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    slug = db.session.execute(select(Course.slug)).scalar_one()
    assert editor.get(f"/authoring/{slug}/export.zip").status_code == 200


@pytest.mark.parametrize(
    ("language", "where", "message"),
    [
        ("fr", "Module «\u00a0Empty module\u00a0»", "ajoutez une leçon ou un quiz"),
        ("ar", "Empty module", "أضف"),
    ],
)
def test_the_editor_shows_the_problems_in_the_readers_language(db, editor, draft, language, where, message):
    from lms.authoring import services

    services.add_module(draft, "Empty module")
    db.session.commit()
    editor.submit("/language", {"language": language})
    page = editor.submit("/authoring/phones/publish").get_data(as_text=True)
    assert where in page and message in page
