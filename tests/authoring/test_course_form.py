"""The course form sets what only course.toml could: enrolment key and window, dates, language."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.authoring import publishing
from lms.authoring.models import DraftCourse
from lms.courses.models import Course
from tests.authoring.test_editor import COURSE_FORM

DETAILS = "/authoring/phones/details"
FULL = {**COURSE_FORM, "title": "Teaching with phones", "language": "fr", "enrolment_key": "  phones-2027 ",
        "enrol_from": "2027-01-04", "enrol_until": "2027-01-29", "starts_on": "2027-02-01",
        "ends_on": "2027-03-31"}  # fmt: skip


def _draft(db, draft) -> DraftCourse:
    db.session.expire_all()
    return db.session.get(DraftCourse, draft.course_id)


def test_the_form_sets_enrolment_dates_and_language_and_publishing_carries_them(db, editor, draft, trainer):
    assert editor.submit(DETAILS, FULL).status_code == 302
    current = _draft(db, draft)
    assert (current.enrolment_key, current.enrol_from, current.enrol_until, current.language) == (
        "phones-2027", date(2027, 1, 4), date(2027, 1, 29), "fr",
    )  # fmt: skip
    assert (current.starts_on, current.ends_on) == (date(2027, 2, 1), date(2027, 3, 31))
    page = editor.get(DETAILS).get_data(as_text=True)
    assert 'value="phones-2027"' in page and 'value="2027-01-04"' in page
    assert '<option selected value="fr">' in page
    publishing.publish(current, trainer)
    db.session.commit()
    course = db.session.get(Course, draft.course_id)
    assert (course.enrolment_key, course.enrol_from, course.enrol_until, course.language) == (
        "phones-2027", date(2027, 1, 4), date(2027, 1, 29), "fr",
    )  # fmt: skip
    assert course.enrolment_open(date(2027, 1, 10)) and not course.enrolment_open(date(2027, 1, 30))


def test_a_new_course_takes_the_same_fields(db, editor):
    response = editor.submit("/authoring/new", {**FULL, "title": "Open resources"})
    assert response.status_code == 302
    course = db.session.execute(select(Course).where(Course.slug == "open-resources")).scalar_one()
    assert (course.enrolment_key, course.enrol_until, course.language) == (
        "phones-2027",
        date(2027, 1, 29),
        "fr",
    )


def test_an_empty_key_means_no_key(db, editor, draft):
    editor.submit(DETAILS, {**FULL, "enrolment_key": "   "})
    assert _draft(db, draft).enrolment_key is None


def test_bad_values_are_refused_on_their_field_and_nothing_is_saved(db, editor, draft):
    for changes, message in [
        ({"enrol_until": "2027-01-01"}, "Enrolment cannot close before it opens."),
        ({"enrolment_key": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"enrolment_key": "tab\tkey"}, "The enrolment key cannot hold control characters."),
        ({"enrolment_key": "nul\x00"}, ""),
        ({"enrol_from": "2027-02-30"}, "Not a valid date value."),
        ({"language": "xx"}, "Not a valid choice."),
        ({"language": "fr\x00"}, ""),
    ]:
        response = editor.submit(DETAILS, {**FULL, **changes})
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    current = _draft(db, draft)
    assert (current.enrolment_key, current.language, current.enrol_from) == (None, "en", None)


def test_a_course_in_another_language_keeps_it_in_the_list(db, editor, draft):
    current = _draft(db, draft)
    current.language = "es"
    db.session.commit()
    page = editor.get(DETAILS).get_data(as_text=True)
    assert '<option selected value="es">' in page
    assert editor.submit(DETAILS, {**FULL, "language": "es"}).status_code == 302
