"""Removing asks first (a confirmation page) and can be undone from the removed items."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.authoring import publishing, removals, services
from lms.authoring.models import DraftCourse, DraftLesson, DraftRemoval, LessonRevision
from lms.authoring.publishing import archive_limits
from lms.content.archive import read_archive

P = "/authoring/phones"
YES = {"confirmed": "yes"}


def _draft(db, draft) -> DraftCourse:
    db.session.expire_all()
    return db.session.get(DraftCourse, draft.course_id)


def _spec(draft):
    return read_archive(publishing.export_zip(draft), archive_limits(), 1_000_000, 2_000_000)


def test_the_confirmation_page_says_what_goes_and_removes_nothing(db, editor, draft):
    page = editor.get(f"{P}/modules/module-1/remove").get_data(as_text=True)
    assert "Remove the module “" in page and "Lesson 1.1" in page and "Lesson 1.2" in page
    assert "Quiz: " in page and 'name="confirmed" type="hidden" value="yes"' in page
    assert len(_draft(db, draft).modules) == 2


def test_a_remove_without_the_confirmation_removes_nothing(db, editor, draft):
    for url in (f"{P}/modules/module-1/remove", f"{P}/lessons/lesson-1-1/remove",
                f"{P}/modules/module-1/quiz/questions/q1/remove"):  # fmt: skip
        for data in ({}, {"confirmed": "no"}, {"confirmed": "yes\x00"}):
            assert editor.submit(url, data).status_code == 400, (url, data)
        assert editor.post(url, data=YES).status_code == 400  # no CSRF token
    current = _draft(db, draft)
    assert len(current.modules) == 2 and len(current.lessons) == 4
    assert len(current.module("module-1").quiz["questions"]) == 1
    assert db.session.scalar(select(func.count()).select_from(DraftRemoval)) == 0


def test_a_removed_lesson_is_restored_in_place_with_its_history(db, editor, draft, trainer):
    response = editor.submit(f"{P}/lessons/lesson-1-1/remove", YES, follow_redirects=True)
    assert "You can restore it from the removed items." in response.get_data(as_text=True)
    assert _draft(db, draft).lesson("lesson-1-1") is None
    removal = db.session.execute(select(DraftRemoval)).scalar_one()
    page = editor.get(f"{P}/removed").get_data(as_text=True)
    assert "Lesson 1.1" in page and "Amina Trainer" in page
    response = editor.submit(f"{P}/removed/{removal.id}/restore")
    assert response.headers["Location"].endswith(f"{P}/lessons/lesson-1-1")
    current = _draft(db, draft)
    module = current.module("module-1")
    assert [lesson.slug for lesson in module.lessons] == ["lesson-1-1", "lesson-1-2"]
    lesson = current.lesson("lesson-1-1")
    assert (lesson.revision, lesson.body) == (3, "## Part 1.1\n\nText 1.1.\n")
    notes = [(r.number, r.note) for r in db.session.execute(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id).order_by(LessonRevision.number)
    ).scalars()]  # fmt: skip
    assert [n for n, _ in notes] == [1, 2, 3] and notes[-1][1] == "restored after removal"
    assert "restored on" in editor.get(f"{P}/removed").get_data(as_text=True)


def test_a_removed_and_restored_module_exports_as_before(db, editor, draft):
    before = _spec(_draft(db, draft))
    editor.submit(f"{P}/modules/module-1/remove", YES)
    assert [m.slug for m in _draft(db, draft).modules] == ["module-2"]
    removal = db.session.execute(select(DraftRemoval)).scalar_one()
    assert editor.submit(f"{P}/removed/{removal.id}/restore").status_code == 302
    assert _spec(_draft(db, draft)) == before


def test_restoring_twice_restores_once(db, editor, draft):
    editor.submit(f"{P}/lessons/lesson-2-2/remove", YES)
    removal_id = db.session.execute(select(DraftRemoval.id)).scalar_one()
    editor.submit(f"{P}/removed/{removal_id}/restore")
    response = editor.submit(f"{P}/removed/{removal_id}/restore", follow_redirects=True)
    assert "was restored already." in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count()).select_from(DraftLesson).where(DraftLesson.slug == "lesson-2-2")
        )
        == 1
    )


def test_a_lesson_whose_module_is_gone_or_whose_slug_is_taken_is_refused(db, editor, draft, trainer):
    editor.submit(f"{P}/lessons/lesson-1-1/remove", YES)
    lesson_removal = db.session.execute(select(DraftRemoval.id)).scalar_one()
    editor.submit(f"{P}/modules/module-1/remove", YES)
    response = editor.submit(f"{P}/removed/{lesson_removal}/restore", follow_redirects=True)
    assert "restore that module first." in response.get_data(as_text=True)
    assert db.session.get(DraftRemoval, lesson_removal).restored_at is None  # nothing half-written
    current = _draft(db, draft)
    services.add_lesson(current.module("module-2"), "Lesson 1.1", trainer)  # takes the slug lesson-1-1
    db.session.commit()
    module_removal = db.session.execute(
        select(DraftRemoval.id).where(DraftRemoval.kind == "module")
    ).scalar_one()
    response = editor.submit(f"{P}/removed/{module_removal}/restore", follow_redirects=True)
    assert "Another lesson now uses the address “lesson-1-2”" not in response.get_data(as_text=True)
    assert _draft(db, draft).module("module-1") is not None  # lesson-1-2 was free: the module is back
    response = editor.submit(f"{P}/removed/{lesson_removal}/restore", follow_redirects=True)
    assert "Another lesson now uses the address “lesson-1-1”" in response.get_data(as_text=True)


def test_a_removed_question_comes_back_under_a_new_slug_if_its_own_is_taken(db, editor, draft):
    editor.submit(f"{P}/modules/module-1/quiz/questions/q1/remove", YES)
    module = _draft(db, draft).module("module-1")
    services.save_question(module, None, "true-false", "New?", [
        {"text": "True", "correct": True}, {"text": "False"}])  # fmt: skip
    db.session.commit()
    removal_id = db.session.execute(select(DraftRemoval.id)).scalar_one()
    response = editor.submit(f"{P}/removed/{removal_id}/restore")
    assert response.headers["Location"].endswith(f"{P}/modules/module-1/quiz")
    questions = _draft(db, draft).module("module-1").quiz["questions"]
    assert [(q["slug"], q["prompt"]) for q in questions] == [("q2", "Question of module 1?"), ("q1", "New?")]


def test_another_courses_removal_is_not_found(db, editor, draft, make_user):
    from lms.roles import Role
    from tests.authoring.helpers import build_draft

    other = make_user(role=Role.TRAINER)
    theirs = build_draft(other, "theirs", modules=2, lessons=1)
    removal = removals.remove_module(theirs.modules[0], other)
    db.session.commit()
    assert editor.submit(f"{P}/removed/{removal.id}/restore").status_code == 404
    assert editor.get("/authoring/theirs/removed").status_code == 403
    assert db.session.get(DraftRemoval, removal.id).restored_at is None


def test_the_removed_items_page_costs_the_same_queries_for_one_or_many(
    db, editor, draft, trainer, count_queries
):
    removals.remove_lesson(draft.lesson("lesson-1-1"), trainer)
    db.session.commit()
    with count_queries() as one:
        assert editor.get(f"{P}/removed").status_code == 200
    current = _draft(db, draft)
    removals.remove_lesson(current.lesson("lesson-1-2"), trainer)
    removals.remove_module(current.module("module-2"), trainer)
    db.session.commit()
    with count_queries() as three:
        page = editor.get(f"{P}/removed").get_data(as_text=True)
    assert page.count("Restore<span") == 3
    assert three.count == one.count


def test_two_restores_at_the_same_moment_restore_once(app, db, editor, draft, trainer, monkeypatch):
    """Both requests find the removal not yet restored before either restores; the
    compare-and-swap on `restored_at` lets one through and refuses the other."""
    import threading

    removal = removals.remove_lesson(draft.lesson("lesson-1-2"), trainer)
    db.session.commit()
    removal_id = removal.id
    cookie = editor.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = editor.csrf_token()
    both_loaded = threading.Barrier(2, timeout=10)
    original = removals.removal_of

    def loaded_then_wait(draft, removal_id):
        found = original(draft, removal_id)
        both_loaded.wait()
        return found

    monkeypatch.setattr(removals, "removal_of", loaded_then_wait)
    targets = []

    def restore():
        other = app.test_client()
        other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        response = other.post(f"{P}/removed/{removal_id}/restore", data={"csrf_token": token})
        targets.append((response.status_code, response.headers.get("Location", "")))

    threads = [threading.Thread(target=restore) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(status for status, _ in targets) == [302, 302]
    assert sorted(location.endswith("/removed") for _, location in targets) == [False, True]  # one refused
    db.session.expire_all()
    count = select(func.count()).select_from(DraftLesson).where(DraftLesson.slug == "lesson-1-2")
    assert db.session.scalar(count) == 1
    assert db.session.get(DraftRemoval, removal_id).restored_at is not None
