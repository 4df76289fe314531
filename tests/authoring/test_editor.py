"""Building a course in the browser: course, modules, lessons, quizzes; bad input is refused."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring.models import DraftCourse, DraftLesson, DraftModule
from lms.courses.models import Course, CourseTrainer

COURSE_FORM = {
    "title": "Open educational resources",
    "slug": "",
    "summary": "Find, adapt and share.",
    "audience": "faculty",
    "language": "en",
    "hours": "2",
    "outcomes": "Find OER.\nAdapt OER.",
    "completion_rule": "all-lessons",
    "pass_mark": "60",
}


def test_trainer_creates_a_course_they_own_and_teach(app, db, editor, trainer):
    response = editor.submit("/authoring/new", COURSE_FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/authoring/open-educational-resources")
    course = db.session.execute(
        select(Course).where(Course.slug == "open-educational-resources")
    ).scalar_one()
    assert course.source_path is None and not course.published
    draft = db.session.get(DraftCourse, course.id)
    assert draft.owner_id == trainer.id
    assert draft.outcomes == ["Find OER.", "Adapt OER."]
    assert db.session.get(CourseTrainer, (course.id, trainer.id)) is not None
    page = editor.get("/authoring").get_data(as_text=True)
    assert "Open educational resources" in page


def test_a_course_without_title_is_refused_with_a_message(db, editor):
    response = editor.submit("/authoring/new", {**COURSE_FORM, "title": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)
    assert db.session.execute(select(Course)).first() is None


def test_a_taken_or_malformed_address_is_refused(db, editor, draft):
    response = editor.submit("/authoring/new", {**COURSE_FORM, "slug": "phones"})
    assert response.status_code == 400
    assert "Another course already uses this address." in response.get_data(as_text=True)
    response = editor.submit("/authoring/new", {**COURSE_FORM, "slug": "Not A Slug"})
    assert response.status_code == 400


def test_details_are_edited_in_the_draft_only(db, editor, draft):
    response = editor.submit("/authoring/phones/details", {**COURSE_FORM, "title": "Phones, revised"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(DraftCourse, draft.course_id).title == "Phones, revised"
    assert db.session.get(Course, draft.course_id).title == "Teaching with phones"


def test_details_page_shows_the_current_values(editor, draft):
    page = editor.get("/authoring/phones/details").get_data(as_text=True)
    assert 'value="Teaching with phones"' in page
    assert "Plan a lesson that works on a phone." in page


def test_modules_and_lessons_are_added_renamed_and_removed(db, editor, draft):
    response = editor.submit("/authoring/phones/modules", {"new-title": "Wrapping up"})
    assert response.headers["Location"].endswith("/authoring/phones/modules/wrapping-up")
    response = editor.submit("/authoring/phones/modules/wrapping-up/lessons", {"new-title": "Next steps"})
    assert response.headers["Location"].endswith("/authoring/phones/lessons/next-steps")
    response = editor.submit("/authoring/phones/modules/wrapping-up", {"title": "Closing", "summary": "End."})
    assert response.status_code == 302
    db.session.expire_all()
    module = db.session.execute(select(DraftModule).where(DraftModule.slug == "wrapping-up")).scalar_one()
    assert (module.title, module.position, module.lessons[0].slug) == ("Closing", 3, "next-steps")
    assert (
        editor.submit("/authoring/phones/lessons/next-steps/remove", {"confirmed": "yes"}).status_code == 302
    )
    assert (
        editor.submit("/authoring/phones/modules/wrapping-up/remove", {"confirmed": "yes"}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.execute(select(DraftModule).where(DraftModule.slug == "wrapping-up")).first() is None
    assert db.session.execute(select(DraftLesson).where(DraftLesson.slug == "next-steps")).first() is None


def test_titles_that_repeat_get_distinct_slugs(db, editor, draft):
    editor.submit("/authoring/phones/modules", {"new-title": "Module 1"})
    db.session.expire_all()
    slugs = [module.slug for module in db.session.get(DraftCourse, draft.course_id).modules]
    assert slugs == ["module-1", "module-2", "module-1-2"]


def test_modules_move_up_and_down_without_javascript(db, editor, draft):
    response = editor.submit("/authoring/phones/modules/module-2/move", {"direction": "up"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [m.slug for m in db.session.get(DraftCourse, draft.course_id).modules] == ["module-2", "module-1"]
    editor.submit("/authoring/phones/lessons/lesson-1-1/move", {"direction": "down"})
    db.session.expire_all()
    lessons = (
        db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one().lessons
    )
    assert [lesson.slug for lesson in lessons] == ["lesson-1-2", "lesson-1-1"]


def test_a_module_moved_past_the_end_gets_a_message_and_nothing_changes(db, editor, draft):
    response = editor.submit(
        "/authoring/phones/modules/module-2/move", {"direction": "down"}, follow_redirects=True
    )
    assert "“Module 2” is already last; nothing was moved." in response.get_data(as_text=True)
    response = editor.submit(
        "/authoring/phones/lessons/lesson-1-1/move", {"direction": "up"}, follow_redirects=True
    )
    assert "“Lesson 1.1” is already first; nothing was moved." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [m.slug for m in db.session.get(DraftCourse, draft.course_id).modules] == ["module-1", "module-2"]


def test_quiz_questions_are_built_with_forms(db, editor, draft):
    response = editor.submit("/authoring/phones/modules/module-1/quiz/questions/new", {
        "kind": "multiple", "prompt": "Which work offline?",
        "options-0-text": "Printed notes", "options-0-correct": "y", "options-0-feedback": "Yes.",
        "options-1-text": "Video calls", "options-1-feedback": "They need a connection.",
        "options-2-text": "Downloaded podcasts", "options-2-correct": "y",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    module = db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one()
    question = module.quiz["questions"][1]
    assert question["slug"] == "q2" and question["kind"] == "multiple"
    assert [(o["slug"], o["correct"]) for o in question["options"]] == [
        ("a", True),
        ("b", False),
        ("c", True),
    ]
    page = editor.get("/authoring/phones/modules/module-1/quiz/questions/q2").get_data(as_text=True)
    assert "Downloaded podcasts" in page


def test_a_question_without_a_correct_option_is_refused(db, editor, draft):
    response = editor.submit("/authoring/phones/modules/module-1/quiz/questions/new", {
        "kind": "single", "prompt": "Pick one", "options-0-text": "A", "options-1-text": "B",
    })  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mark at least one option as correct." in page
    assert "Pick one</textarea>" in page
    db.session.expire_all()
    module = db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one()
    assert len(module.quiz["questions"]) == 1


def test_editing_a_question_keeps_option_slugs(db, editor, draft):
    editor.submit("/authoring/phones/modules/module-1/quiz/questions/q1", {
        "kind": "single", "prompt": "Question, reworded?",
        "options-0-slug": "b", "options-0-text": "Wrong",
        "options-1-slug": "a", "options-1-text": "Right", "correct": "1",
        "options-2-text": "New answer",
    })  # fmt: skip
    db.session.expire_all()
    module = db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one()
    options = module.quiz["questions"][0]["options"]
    assert [(o["slug"], o["text"]) for o in options] == [("b", "Wrong"), ("a", "Right"), ("c", "New answer")]


def test_quiz_settings_and_removal(db, editor, draft):
    response = editor.submit("/authoring/phones/modules/module-1/quiz", {"title": "Check", "pass_mark": "80",
                                                                         "max_attempts": "0"})  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    module = db.session.execute(select(DraftModule).where(DraftModule.slug == "module-1")).scalar_one()
    assert (module.quiz["title"], module.quiz["pass_mark"], module.quiz["max_attempts"]) == ("Check", 80, 0)
    assert editor.submit("/authoring/phones/modules/module-1/quiz/questions/q1/remove",
                         {"confirmed": "yes"}).status_code == 302  # fmt: skip
    assert editor.submit("/authoring/phones/modules/module-1/quiz/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(DraftModule, module.id).quiz is None


def test_every_editor_page_renders(editor, draft):
    for url in [
        "/authoring", "/authoring/new", "/authoring/import", "/authoring/phones", "/authoring/phones/details",
        "/authoring/phones/modules/module-1", "/authoring/phones/lessons/lesson-1-1",
        "/authoring/phones/lessons/lesson-1-1/history", "/authoring/phones/modules/module-1/quiz",
        "/authoring/phones/modules/module-1/quiz/questions/new",
        "/authoring/phones/modules/module-1/quiz/questions/q1", "/authoring/phones/images",
        "/authoring/phones/trainers",
    ]:  # fmt: skip
        assert editor.get(url).status_code == 200, url


def test_a_stale_form_changes_nothing_and_says_why(db, editor, draft):
    response = editor.post(
        "/authoring/phones/modules", data={"new-title": "Late", "csrf_token": "expired-token"}
    )
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(DraftCourse, draft.course_id).modules) == 2
