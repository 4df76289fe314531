"""Images uploaded for lessons, and co-trainers added by the course's owner."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from lms.authoring import publishing
from lms.authoring.models import DraftImage
from lms.courses.models import CourseTrainer, Lesson
from lms.roles import Role
from tests.authoring.helpers import PNG, png_upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def upload(editor, data=PNG, name="Course map.png", alt="A course map"):
    return editor.submit(
        "/authoring/phones/images",
        {"image": png_upload(data, name), "alt": alt},
        content_type="multipart/form-data",
    )


def test_an_uploaded_image_is_stored_by_hash_and_its_snippet_shown(app, db, editor, draft):
    response = upload(editor)
    digest = hashlib.sha256(PNG).hexdigest()
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="![A course map](/media/{digest}.png)"' in page
    image = db.session.execute(select(DraftImage)).scalar_one()
    assert (image.filename, image.name) == (f"{digest}.png", "course-map.png")
    with editor.get(f"/media/{digest}.png") as served:
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_svg_and_other_files_are_refused_by_content_not_name(db, editor, draft):
    for data, name in [(SVG, "drawing.png"), (b"GIF-not-really", "photo.gif"), (b"%PDF-1.4", "a.pdf")]:
        response = upload(editor, data, name)
        assert response.status_code == 400
        assert "Only PNG, JPEG, GIF and WebP images are accepted." in response.get_data(as_text=True)
    assert db.session.execute(select(DraftImage)).first() is None


def test_an_image_over_the_limit_is_refused(db, draft, trainer, make_app):
    # A small limit keeps the upload in memory (the test client spools large bodies to files).
    small = make_app(MAX_IMAGE_BYTES=200_000)
    client = small.test_client()
    client.submit("/login", {"email": trainer.email, "password": "a long test passphrase"})
    response = upload(client, PNG + b"\0" * 200_000)
    assert response.status_code == 400
    assert "Images can be at most 0.2 MB." in response.get_data(as_text=True)
    assert db.session.execute(select(DraftImage)).first() is None


def test_published_lessons_show_uploaded_images(db, editor, draft, trainer):
    upload(editor)
    digest = hashlib.sha256(PNG).hexdigest()
    lesson = draft.lesson("lesson-1-1")
    body = f"Look:\n\n![A course map](/media/{digest}.png)\n"
    editor.submit("/authoring/phones/lessons/lesson-1-1",
                  {"title": lesson.title, "minutes": "5", "body": body, "revision": "2", "save": "Save"})  # fmt: skip
    preview = editor.get("/authoring/phones/lessons/lesson-1-1").get_data(as_text=True)
    assert f'<img alt="A course map" src="/media/{digest}.png">' in preview
    assert editor.submit("/authoring/phones/publish").status_code == 302
    published = db.session.execute(select(Lesson).where(Lesson.slug == "lesson-1-1")).scalar_one()
    assert f'<img alt="A course map" src="/media/{digest}.png">' in published.body_html
    assert published.body == "Look:\n\n![A course map](images/course-map.png)\n"


def test_the_owner_adds_and_removes_co_trainers(db, editor, draft, make_user):
    colleague = make_user(role=Role.TRAINER, email="colleague@example.org")
    response = editor.submit("/authoring/phones/trainers", {"email": "Colleague@example.org"})
    assert response.status_code == 302
    assert db.session.get(CourseTrainer, (draft.course_id, colleague.id)) is not None
    response = editor.submit(f"/authoring/phones/trainers/{colleague.id}/remove")
    assert response.status_code == 302
    assert db.session.get(CourseTrainer, (draft.course_id, colleague.id)) is None


def test_only_trainers_can_be_co_trainers(db, editor, draft, make_user):
    make_user(role=Role.LEARNER, email="learner@example.org")
    response = editor.submit("/authoring/phones/trainers", {"email": "learner@example.org"})
    assert response.status_code == 400
    assert "Only accounts with the trainer role can teach" in response.get_data(as_text=True)


def test_co_trainers_edit_but_do_not_manage_trainers(app, db, draft, make_user):
    colleague = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=draft.course_id, user_id=colleague.id))
    db.session.commit()
    client = app.test_client()
    client.submit("/login", {"email": colleague.email, "password": "a long test passphrase"})
    assert client.get("/authoring/phones").status_code == 200
    assert client.submit("/authoring/phones/modules", {"new-title": "From a colleague"}).status_code == 302
    assert client.submit("/authoring/phones/trainers", {"email": colleague.email}).status_code == 403
    assert client.submit(f"/authoring/phones/trainers/{draft.owner_id}/remove").status_code == 403


def test_the_owner_cannot_be_removed(db, login, draft, make_user):
    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    response = client.submit(f"/authoring/phones/trainers/{draft.owner_id}/remove", follow_redirects=True)
    assert "The owner of a course cannot be removed from it." in response.get_data(as_text=True)


def test_other_trainers_cannot_open_the_draft(db, login, draft, make_user):
    stranger = make_user(role=Role.TRAINER)
    client = login(stranger)
    assert client.get("/authoring/phones").status_code == 403
    assert client.submit("/authoring/phones/publish").status_code == 403
    assert "Teaching with phones" not in client.get("/authoring").get_data(as_text=True)


def test_export_names_images_after_their_upload(db, editor, draft, trainer):
    upload(editor)
    digest = hashlib.sha256(PNG).hexdigest()
    lesson = draft.lesson("lesson-1-1")
    editor.submit("/authoring/phones/lessons/lesson-1-1",
                  {"title": lesson.title, "minutes": "5", "body": f"![Map](/media/{digest}.png)", "revision": "2",
                   "save": "Save"})  # fmt: skip
    db.session.expire_all()
    from lms.authoring.models import DraftCourse

    spec = publishing.draft_spec(db.session.get(DraftCourse, draft.course_id))
    assert spec.modules[0].lessons[0].body == "![Map](images/course-map.png)\n"
    assert spec.modules[0].lessons[0].images == {"images/course-map.png": PNG}
