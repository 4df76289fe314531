"""The course form sets what only course.toml could: enrolment key and window, dates, language."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from lms.authoring import publishing, services
from lms.authoring.models import DraftCourse
from lms.courses.models import Course
from tests.authoring.helpers import PNG
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


# --- the course image ----------------------------------------------------------------------


def _with_image(data: bytes = PNG, name: str = "cover.png", alt: str = "Students with phones", **more):
    return {**FULL, "image": (io.BytesIO(data), name), "image_alt": alt, **more}


def test_an_image_with_its_description_is_published_and_shown(db, editor, draft, trainer, client):
    response = editor.submit(DETAILS, _with_image(), content_type="multipart/form-data")
    assert response.status_code == 302
    current = _draft(db, draft)
    assert current.image.endswith(".png") and current.image_alt == "Students with phones"
    assert f'src="/media/{current.image}" alt="Students with phones"' in editor.get(DETAILS).get_data(
        as_text=True
    )
    publishing.publish(current, trainer)
    db.session.commit()
    course = db.session.get(Course, draft.course_id)
    assert (course.image, course.image_alt) == (current.image, "Students with phones")
    for url in ("/courses", "/courses/phones"):
        assert f'<img src="/media/{course.image}" alt="Students with phones"' in client.get(url).get_data(
            as_text=True
        )


def test_the_image_goes_through_the_zip_and_back(db, editor, draft, trainer):
    editor.submit(DETAILS, _with_image(), content_type="multipart/form-data")
    current = _draft(db, draft)
    data = publishing.export_zip(current)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        toml = archive.read(next(n for n in names if n.endswith("course.toml"))).decode()
    assert any(n.endswith("/cover.png") for n in names)
    assert 'image = "cover.png"' in toml and 'image_alt = "Students with phones"' in toml
    image = current.image
    current.image, current.image_alt = None, ""
    db.session.commit()
    publishing.import_archive(data, trainer)
    db.session.commit()
    current = _draft(db, draft)
    assert (current.image, current.image_alt) == (image, "Students with phones")
    assert db.session.get(Course, draft.course_id).image == image


def test_bad_images_are_refused_and_nothing_is_saved(app, db, editor, draft):
    for form, message in [
        (_with_image(b"<svg onload=alert(1)>", "cover.png"), "not"),
        (_with_image(alt=""), "Describe the image for people who cannot see it."),
        (_with_image(alt="two\nlines"), "one line"),
        ({**FULL, "image_alt": "A description without an image"}, "Choose an image file"),
    ]:
        response = editor.submit(DETAILS, form, content_type="multipart/form-data")
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True), message
    current = _draft(db, draft)
    assert (current.image, current.title, current.enrolment_key) == (None, "Teaching with phones", None)
    # Too large (checked in the service: the test client would spool such a body to a file).
    with pytest.raises(services.AuthoringError, match="at most"):
        services.set_course_image(current, PNG + b"\x00" * (app.config["MAX_IMAGE_BYTES"] + 1), "A map")


def test_the_image_can_be_removed(db, editor, draft):
    editor.submit(DETAILS, _with_image(), content_type="multipart/form-data")
    editor.submit(DETAILS, {**FULL, "image_alt": "Students with phones", "remove_image": "y"},
                  content_type="multipart/form-data")  # fmt: skip
    current = _draft(db, draft)
    assert (current.image, current.image_alt) == (None, "")
    forged = editor.submit(
        DETAILS, {**FULL, "image": "not a file", "image_alt": ""}
    )  # a text field, not a file
    assert forged.status_code == 302 and _draft(db, draft).image is None


def test_a_course_file_names_its_image_next_to_course_toml(tmp_path):
    from lms.content.format import load_tree

    folder = tmp_path / "c"
    (folder / "01-one").mkdir(parents=True)
    (folder / "01-one" / "module.toml").write_text('title = "One"\n')
    (folder / "01-one" / "01-a.md").write_text('+++\ntitle = "A"\nminutes = 5\n+++\n\nText.\n')
    base = ('slug = "c"\ntitle = "C"\naudience = "faculty"\nlanguage = "en"\nhours = 1\nversion = "1"\noutcomes = ["x"]\n'
            '[completion]\nrule = "all-lessons"\npass_mark = 50\n')  # fmt: skip
    (folder / "cover.png").write_bytes(PNG)
    for head, expected in [
        ('image = "cover.png"\nimage_alt = "A map"\n', []),
        ('image = "cover.png"\n', ["needs 'image_alt'"]),
        (
            'image = "../cover.png"\nimage_alt = "x"\n',
            ["unexpected file", "must be the name of a file next to"],
        ),
        ('image = "missing.png"\nimage_alt = "x"\n', ["unexpected file", "does not exist"]),
    ]:
        (folder / "course.toml").write_text(head + base)
        _courses, problems = load_tree(tmp_path)
        messages = [str(problem) for problem in problems]
        assert len(messages) == len(expected) and all(
            e in m for e, m in zip(expected, messages, strict=True)
        ), messages
