"""Publishing a draft: learners see only published content, progress survives new versions."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring import publishing, services
from lms.authoring.models import DraftCourse
from lms.content.importer import ImportReport, apply_course
from lms.courses.models import Course, Lesson
from lms.courses.queries import course_by_slug
from lms.learning.models import LessonCompletion
from lms.learning.services import check_course_completion, complete_lesson
from lms.quizzes.models import QuizAttempt
from lms.roles import Role
from tests import factories
from tests.authoring.helpers import build_draft


def test_publishing_makes_the_draft_what_learners_see(db, editor, draft, make_user, login):
    assert editor.submit("/authoring/phones/publish").status_code == 302
    db.session.expire_all()
    course = course_by_slug("phones", with_structure=True)
    assert course.published and course.version == "1.0" and course.source_path is None
    assert [lesson.slug for lesson in course.lessons] == [
        "lesson-1-1",
        "lesson-1-2",
        "lesson-2-1",
        "lesson-2-2",
    ]
    assert course.lessons[0].body_html == '<h2 id="h-part-11">Part 1.1</h2>\n<p>Text 1.1.</p>'
    assert [q.module.slug for q in course.quizzes] == ["module-1", "module-2"]
    assert db.session.get(DraftCourse, course.id).unpublished_changes is False


def test_draft_changes_stay_hidden_until_the_next_publication(db, editor, draft, trainer):
    publishing.publish(draft, trainer)
    db.session.commit()
    lesson = draft.lesson("lesson-1-1")
    services.save_lesson(
        lesson, seen_revision=2, title="Renamed", minutes=5, body="Draft only.", author=trainer
    )
    db.session.commit()
    assert (
        db.session.execute(select(Lesson.title).where(Lesson.slug == "lesson-1-1")).scalar_one()
        == "Lesson 1.1"
    )
    publishing.publish(db.session.get(DraftCourse, draft.course_id), trainer)
    db.session.commit()
    assert (
        db.session.execute(select(Lesson.title).where(Lesson.slug == "lesson-1-1")).scalar_one() == "Renamed"
    )
    assert db.session.get(Course, draft.course_id).version == "1.1"


def test_a_new_version_keeps_progress_on_lessons_and_questions_that_still_exist(db, draft, trainer):
    publishing.publish(draft, trainer)
    learner = factories.make_user(role=Role.LEARNER)
    course = course_by_slug("phones", with_structure=True)
    enrolment = factories.enrol(learner, course)
    kept, removed = course.lessons[0], course.lessons[1]
    complete_lesson(learner.id, kept)
    complete_lesson(learner.id, removed)
    kept_id, removed_id = kept.id, removed.id
    quiz = course.quizzes[0]
    quiz_id = quiz.id
    db.session.add(QuizAttempt(quiz_id=quiz.id, user_id=learner.id, course_id=course.id, number=1, score=100,
                               passed=True, answers={"q1": {"chosen": ["a"], "correct": True}}))  # fmt: skip
    db.session.commit()
    draft = db.session.get(DraftCourse, course.id)
    services.remove_lesson(draft.lesson("lesson-1-2"))
    services.add_lesson(draft.module("module-2"), "Brand new", trainer)
    db.session.commit()
    draft = db.session.get(DraftCourse, course.id)
    services.save_lesson(draft.lesson("brand-new"), seen_revision=1, title="Brand new", minutes=3,
                         body="Fresh.", author=trainer)  # fmt: skip
    publishing.publish(draft, trainer)
    db.session.commit()
    done = set(
        db.session.execute(
            select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == learner.id)
        ).scalars()
    )
    assert kept_id in done and removed_id not in done
    assert db.session.execute(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id)).scalar_one().passed
    assert db.session.get(Course, course.id).version == "1.1"
    assert enrolment.completed_at is None


def test_certificates_record_the_version_a_course_was_completed_on(db, trainer):
    draft = build_draft(trainer, modules=1, lessons=1, quiz=False)
    publishing.publish(draft, trainer)
    learner = factories.make_user()
    course = course_by_slug("phones", with_structure=True)
    enrolment = factories.enrol(learner, course)
    complete_lesson(learner.id, course.lessons[0])
    assert check_course_completion(enrolment, course)
    db.session.commit()
    publishing.publish(db.session.get(DraftCourse, course.id), trainer)
    db.session.commit()
    assert db.session.get(Course, course.id).version == "1.1"
    db.session.refresh(enrolment)
    assert enrolment.completed_version == "1.0"


def test_a_draft_that_breaks_the_file_rules_cannot_be_published(db, editor, draft, trainer):
    empty = services.add_module(draft, "Empty module")
    services.add_lesson(draft.module("module-1"), "No text yet", trainer)
    empty.title = "Empty module"
    db.session.commit()
    response = editor.submit("/authoring/phones/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Module “Empty module”: add a lesson or a quiz" in page
    assert "Lesson “No text yet”: the lesson has no text yet" in page
    assert db.session.get(Course, draft.course_id).published is False


def test_a_course_without_modules_cannot_be_published(db, trainer):
    from tests.authoring.helpers import COURSE_VALUES

    draft = services.create_course(trainer, "bare", **COURSE_VALUES)
    try:
        publishing.publish(draft, trainer)
    except publishing.PublishRefused as refused:
        assert [str(problem) for problem in refused.problems] == ["Course details: add at least one module"]
    else:
        raise AssertionError("publishing should have been refused")


def test_the_file_importer_refuses_to_overwrite_a_browser_course(db, draft, trainer):
    from lms.content.importer import conflicts

    publishing.publish(draft, trainer)
    assert conflicts([factories.course_spec("phones")])


def test_versions_count_up():
    assert [publishing.next_version(v) for v in ["0", "1.0", "1.9", "2", "v3-beta"]] == [
        "1.0", "1.1", "1.10", "3", "v3-beta.1",
    ]  # fmt: skip


def test_learners_cannot_see_an_unpublished_course(db, client, draft, login):
    learner = factories.make_user()
    db.session.commit()
    login(learner)
    assert client.get("/courses/phones").status_code == 404


def test_apply_course_is_the_publish_path(db, draft, trainer):
    spec, problems = publishing.check(draft)
    assert problems == []
    spec.source_path = None
    apply_course(spec, ImportReport(), source_path=None)
    assert db.session.execute(select(Course.source_path).where(Course.slug == "phones")).scalar_one() is None


def test_a_quiz_without_questions_and_an_image_from_elsewhere_are_reported(db, draft, trainer):
    module = draft.module("module-1")
    services.remove_question(module, "q1")
    lesson = draft.lesson("lesson-1-1")
    services.save_lesson(lesson, seen_revision=2, title=lesson.title, minutes=5,
                         body="![x](https://example.org/x.png)", author=trainer)  # fmt: skip
    _, problems = publishing.check(draft)
    assert [str(problem) for problem in problems] == [
        "Lesson “Lesson 1.1”: the image https://example.org/x.png is not one uploaded on the Images page of this"
        " course; upload it there and paste its snippet (line 1 of the text)",
        "Quiz of module “Module 1”: add at least one question",
    ]


def test_withdrawing_hides_the_course_and_keeps_learners_progress(app, db, editor, draft, make_user):
    assert editor.submit("/authoring/phones/publish").status_code == 302
    learner = make_user()
    course = course_by_slug("phones", with_structure=True)
    factories.enrol(learner, course)
    complete_lesson(learner.id, course.lessons[0])
    db.session.commit()

    assert editor.submit("/authoring/phones/withdraw").status_code == 302
    assert "Withdrawn: learners cannot see this course." in editor.get("/authoring/phones").get_data(
        as_text=True
    )
    reader = app.test_client()
    reader.submit("/login", {"email": learner.email, "password": factories.DEFAULT_PASSWORD})
    assert reader.get("/courses/phones").status_code == 404
    assert reader.get("/courses/phones/lessons/lesson-1-1").status_code == 404
    assert "phones" not in reader.get("/courses").get_data(as_text=True)
    assert "/courses/phones" not in reader.get("/learning").get_data(as_text=True)
    assert editor.submit("/authoring/phones/withdraw").status_code == 400  # already withdrawn

    assert editor.submit("/authoring/phones/publish").status_code == 302
    assert reader.get("/courses/phones/lessons/lesson-1-1").status_code == 200
    db.session.expire_all()
    assert len(db.session.execute(select(LessonCompletion)).all()) == 1
