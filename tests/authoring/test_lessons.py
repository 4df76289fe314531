"""Writing lessons: preview, saving with optimistic locking, history and restore, limits."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring import services
from lms.authoring.models import DraftLesson, LessonRevision


def lesson_form(revision: int, body: str, title: str = "Lesson 1.1", **extra) -> dict:
    return {"title": title, "minutes": "7", "body": body, "revision": str(revision), "save": "Save", **extra}


def current(db) -> DraftLesson:
    db.session.expire_all()
    return db.session.execute(select(DraftLesson).where(DraftLesson.slug == "lesson-1-1")).scalar_one()


def test_preview_shows_the_sanitised_rendering_without_saving(db, editor, draft):
    body = "## Heading\n\n<script>alert(1)</script>[x](javascript:alert(1)) **bold**"
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, body, preview="Preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="h-heading">Heading</h2>' in page
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)</script>" not in page and 'href="javascript' not in page
    assert current(db).revision == 2  # nothing saved


def test_saving_creates_a_revision_with_author(db, editor, draft, trainer):
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "New text.\r\n"))
    assert response.status_code == 302
    lesson = current(db)
    assert (lesson.revision, lesson.body, lesson.minutes) == (3, "New text.\n", 7)
    revision = db.session.execute(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == 3)
    ).scalar_one()
    assert revision.author_id == trainer.id


def test_a_stale_save_is_refused_and_the_text_is_kept(db, editor, draft):
    assert (
        editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "First save.")).status_code
        == 302
    )
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "Second save, my words."))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This lesson changed since you opened it" in page
    assert "Second save, my words.</textarea>" in page  # what I typed
    assert "First save.\n</textarea>" in page  # their version
    assert "-First save." in page and "+Second save, my words." in page  # the diff
    assert 'name="revision" type="hidden" value="3"' in page
    assert current(db).body == "First save.\n"


def test_compare_and_swap_lets_exactly_one_of_two_saves_win(db, draft, trainer):
    lesson = current(db)
    services.save_lesson(lesson, seen_revision=2, title="A", minutes=5, body="one", author=trainer)
    try:
        services.save_lesson(lesson, seen_revision=2, title="B", minutes=5, body="two", author=trainer)
    except services.EditConflict as conflict:
        assert conflict.lesson.body == "one\n"
    else:
        raise AssertionError("the second save should have been refused")


def test_a_lesson_over_the_size_limit_is_refused_and_changes_nothing(app, db, editor, draft):
    big = "x" * (app.config["MAX_LESSON_BYTES"] + 1)
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, big))
    assert response.status_code == 400
    assert "The lesson is larger than 1000 KB; nothing was saved." in response.get_data(as_text=True)
    assert current(db).revision == 2


def test_an_empty_lesson_title_is_refused(db, editor, draft):
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "Text", title=""))
    assert response.status_code == 400
    assert current(db).title == "Lesson 1.1"


def test_history_shows_who_and_what_changed_and_restores(db, editor, draft):
    editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "Changed text.\n"))
    page = editor.get("/authoring/phones/lessons/lesson-1-1/history").get_data(as_text=True)
    assert "Revision 3" in page and "Amina Trainer" in page
    assert "+Changed text." in page and "-Text 1.1." in page
    response = editor.submit("/authoring/phones/lessons/lesson-1-1/history/2/restore", {"revision": "3"})
    assert response.status_code == 302
    lesson = current(db)
    assert (lesson.revision, lesson.body) == (4, "## Part 1.1\n\nText 1.1.\n")


def test_restoring_from_a_stale_history_page_is_refused(db, editor, draft):
    editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, "Changed text.\n"))
    response = editor.submit(
        "/authoring/phones/lessons/lesson-1-1/history/1/restore", {"revision": "2"}, follow_redirects=True
    )
    assert "This lesson changed since you opened it." in response.get_data(as_text=True)
    assert current(db).revision == 3


def test_a_lesson_the_renderer_refuses_is_a_form_error_and_nothing_is_saved(db, editor, draft):
    body = "Fine.\n\n" + "*" * 3000 + "x" + "*" * 3000
    for action in ({}, {"preview": "Preview", "save": ""}):
        response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, body, **action))
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Line 3: 3000 &#39;*&#39; or &#39;_&#39; in a row; at most 100 can be rendered." in page
    assert current(db).revision == 2


def test_the_renderer_refusal_is_translated(db, editor, draft):
    editor.submit("/language", {"language": "fr", "next": "/"})
    body = "<a " * 5000
    response = editor.submit("/authoring/phones/lessons/lesson-1-1", lesson_form(2, body))
    assert response.status_code == 400
    assert "Ligne 1" in response.get_data(as_text=True)
