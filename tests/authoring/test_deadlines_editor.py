"""The editor sets a course's start and end dates and each module's due date; publishing and
ZIP export and import carry them, and the format's date rules hold in the editor too."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from sqlalchemy import select

from lms.authoring.models import DraftCourse
from lms.content.archive import ArchiveLimits, read_archive
from lms.courses.models import Course, Module
from tests.authoring.test_editor import COURSE_FORM

DETAILS = {k: v for k, v in COURSE_FORM.items() if k != "slug"}


def module_form(**values) -> dict:
    return {"title": "Module 1", "summary": "", "due_on": "", "due_time": "", **values}


def test_the_course_form_sets_the_start_and_end_dates(db, editor, draft):
    response = editor.submit("/authoring/phones/details", {**DETAILS, "starts_on": "2027-01-11",
                                                           "ends_on": "2027-03-26"})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(DraftCourse, draft.course_id)
    assert (saved.starts_on, saved.ends_on) == (date(2027, 1, 11), date(2027, 3, 26))
    page = editor.get("/authoring/phones/details").get_data(as_text=True)
    assert 'value="2027-01-11"' in page and 'value="2027-03-26"' in page


def test_a_new_course_can_have_dates_and_none_are_required(db, editor):
    response = editor.submit("/authoring/new", {**COURSE_FORM, "starts_on": "2027-01-11"})
    assert response.status_code == 302
    course = db.session.execute(
        select(Course).where(Course.slug == "open-educational-resources")
    ).scalar_one()
    assert course.starts_on == date(2027, 1, 11) and course.ends_on is None


def test_an_end_before_the_start_or_a_date_that_is_not_one_is_refused(db, editor, draft):
    backwards = editor.submit("/authoring/phones/details", {**DETAILS, "starts_on": "2027-03-01",
                                                            "ends_on": "2027-02-01"})  # fmt: skip
    assert backwards.status_code == 400 and "cannot end before it starts" in backwards.get_data(as_text=True)
    garbled = editor.submit("/authoring/phones/details", {**DETAILS, "starts_on": "2027-02-30\x00"})
    assert garbled.status_code == 400
    db.session.expire_all()
    assert db.session.get(DraftCourse, draft.course_id).starts_on is None


def test_the_module_form_sets_a_due_day_or_a_due_moment(db, editor, draft):
    url = "/authoring/phones/modules/module-1"
    assert editor.submit(url, module_form(due_on="2027-02-01")).status_code == 302
    module = db.session.get(DraftCourse, draft.course_id).module("module-1")
    assert (module.due_on, module.due_at) == (date(2027, 2, 1), None)
    assert editor.submit(url, module_form(due_on="2027-02-01", due_time="17:30")).status_code == 302
    db.session.expire_all()
    module = db.session.get(DraftCourse, draft.course_id).module("module-1")
    assert (module.due_on, module.due_at) == (None, datetime(2027, 2, 1, 17, 30))
    page = editor.get(url).get_data(as_text=True)
    assert 'value="2027-02-01"' in page and 'value="17:30"' in page
    assert editor.submit(url, module_form()).status_code == 302
    db.session.expire_all()
    module = db.session.get(DraftCourse, draft.course_id).module("module-1")
    assert (module.due_on, module.due_at) == (None, None)


def test_a_time_without_a_day_is_refused(db, editor, draft):
    response = editor.submit("/authoring/phones/modules/module-1", module_form(due_time="17:30"))
    assert response.status_code == 400 and "Give the day as well as the time." in response.get_data(
        as_text=True
    )


def test_publishing_carries_the_dates_to_learners(db, editor, draft):
    editor.submit(
        "/authoring/phones/details", {**DETAILS, "starts_on": "2027-01-11", "ends_on": "2027-03-26"}
    )
    editor.submit("/authoring/phones/modules/module-1", module_form(due_on="2027-02-01"))
    editor.submit("/authoring/phones/modules/module-2", module_form(title="Module 2", due_on="2027-03-01",
                                                                    due_time="09:00"))  # fmt: skip
    assert editor.submit("/authoring/phones/publish").status_code == 302
    db.session.expire_all()
    course = db.session.execute(select(Course).where(Course.slug == "phones")).scalar_one()
    assert (course.starts_on, course.ends_on) == (date(2027, 1, 11), date(2027, 3, 26))
    modules = db.session.execute(
        select(Module).where(Module.course_id == course.id).order_by(Module.position)
    )
    assert [(m.due_on, m.due_at) for m in modules.scalars()] == [
        (date(2027, 2, 1), None),
        (None, datetime(2027, 3, 1, 9, 0)),
    ]


def test_a_due_date_outside_the_course_cannot_be_published(db, editor, draft):
    editor.submit(
        "/authoring/phones/details", {**DETAILS, "starts_on": "2027-01-11", "ends_on": "2027-03-26"}
    )
    editor.submit("/authoring/phones/modules/module-1", module_form(due_on="2027-04-01"))
    response = editor.submit("/authoring/phones/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "after the course ends (2027-03-26)" in page and "Module 1" in page


def test_dates_round_trip_through_zip_export_and_import(db, editor, draft):
    editor.submit(
        "/authoring/phones/details", {**DETAILS, "starts_on": "2027-01-11", "ends_on": "2027-03-26"}
    )
    editor.submit("/authoring/phones/modules/module-1", module_form(due_on="2027-02-01"))
    editor.submit("/authoring/phones/modules/module-2", module_form(title="Module 2", due_on="2027-03-01",
                                                                    due_time="09:00"))  # fmt: skip
    exported = editor.get("/authoring/phones/export.zip").data
    (spec,), problems = read_archive(exported, ArchiveLimits(), 1_000_000, 2_000_000)
    assert problems == []
    assert (spec.starts_on, spec.ends_on) == (date(2027, 1, 11), date(2027, 3, 26))
    assert [m.due for m in spec.modules] == [date(2027, 2, 1), datetime(2027, 3, 1, 9, 0, tzinfo=UTC)]
    # Clear the draft's dates, then import the archive: they come back, in the draft and for learners.
    editor.submit("/authoring/phones/details", DETAILS)
    editor.submit("/authoring/phones/modules/module-1", module_form())
    response = editor.submit("/authoring/import", {"archive": (io.BytesIO(exported), "phones.zip")},
                             content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    draft = db.session.get(DraftCourse, draft.course_id)
    assert (draft.starts_on, draft.ends_on) == (date(2027, 1, 11), date(2027, 3, 26))
    assert [(m.due_on, m.due_at) for m in draft.modules] == [
        (date(2027, 2, 1), None),
        (None, datetime(2027, 3, 1, 9, 0)),
    ]
    assert db.session.get(Course, draft.course_id).ends_on == date(2027, 3, 26)
    again = editor.get("/authoring/phones/export.zip").data
    assert read_archive(again, ArchiveLimits(), 1_000_000, 2_000_000)[0] == [spec]
