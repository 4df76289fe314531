"""The outline as plain data, cached per course version: one query when the version is new,
none after, and a new version whenever a module, lesson or quiz changes (whoever changes it)."""

from __future__ import annotations

from sqlalchemy import select

from lms.content.importer import ImportReport, apply_course
from lms.courses.models import Course, Lesson, Module
from lms.courses.outline import outline_of
from lms.quizzes.models import Quiz
from tests import factories


def fresh(db, slug: str) -> Course:
    db.session.expire_all()
    return db.session.execute(select(Course).where(Course.slug == slug)).scalar_one()


def test_the_outline_lists_modules_lessons_and_quizzes_in_order(db):
    factories.make_course("c", modules=2, lessons=3)
    db.session.commit()
    outline = outline_of(fresh(db, "c"))
    assert [module.slug for module in outline.modules] == ["m1", "m2"]
    assert [lesson.slug for lesson in outline.lessons] == [
        "m1-l1",
        "m1-l2",
        "m1-l3",
        "m2-l1",
        "m2-l2",
        "m2-l3",
    ]
    assert outline.module("m2").quiz.title == "Quiz 2" and outline.module("m2").quiz.module_slug == "m2"
    lesson = outline.lesson("m1-l3")
    assert outline.next(lesson).slug == "m2-l1" and outline.previous(lesson).slug == "m1-l2"
    assert outline.previous(outline.lessons[0]) is None and outline.next(outline.lessons[-1]) is None
    assert outline.module_of(lesson).slug == "m1"
    assert outline.lesson("nope") is None and outline.module("nope") is None


def test_an_empty_module_is_in_the_outline(db):
    course = factories.make_course("c", modules=1, lessons=1)
    db.session.add(Module(course=course, slug="later", position=9, title="Coming later"))
    db.session.commit()
    assert [(m.slug, len(m.lessons)) for m in outline_of(fresh(db, "c")).modules] == [("m1", 1), ("later", 0)]


def test_a_cached_outline_costs_no_query(db, count_queries):
    factories.make_course("c", modules=3, lessons=4)
    db.session.commit()
    course = fresh(db, "c")
    with count_queries() as first:
        outline_of(course)
    with count_queries() as second:
        again = outline_of(course)
    assert first.count == 1 and second.count == 0
    assert again is outline_of(course)


def test_renaming_a_lesson_makes_a_new_version(db):
    factories.make_course("c", modules=1, lessons=2)
    db.session.commit()
    before = outline_of(fresh(db, "c"))
    lesson = db.session.execute(select(Lesson).where(Lesson.slug == "m1-l2")).scalar_one()
    lesson.title = "A better title"
    db.session.commit()
    after = outline_of(fresh(db, "c"))
    assert after is not before and after.lesson("m1-l2").title == "A better title"


def test_retitling_a_quiz_makes_a_new_version(db):
    factories.make_course("c", modules=1, lessons=1)
    db.session.commit()
    outline_of(fresh(db, "c"))
    db.session.execute(select(Quiz)).scalar_one().title = "Check yourself"
    db.session.commit()
    assert outline_of(fresh(db, "c")).modules[0].quiz.title == "Check yourself"


def test_reimporting_with_a_lesson_removed_and_one_added_makes_a_new_version(db):
    factories.make_course("c", modules=1, lessons=3)
    db.session.commit()
    assert len(outline_of(fresh(db, "c")).lessons) == 3
    spec = factories.course_spec("c", modules=1, lessons=3)
    spec.modules[0].lessons.pop(1)
    spec.modules[0].lessons[-1].title = "Renamed in the file"
    apply_course(spec, ImportReport())
    db.session.commit()
    outline = outline_of(fresh(db, "c"))
    assert [lesson.slug for lesson in outline.lessons] == ["m1-l1", "m1-l3"]
    assert outline.lesson("m1-l3").title == "Renamed in the file"


def test_reading_a_lesson_or_recording_progress_keeps_the_version(client, login, db):
    factories.make_course("c", modules=1, lessons=2)
    user = factories.make_user()
    factories.enrol(user, fresh(db, "c"))
    db.session.commit()
    version = fresh(db, "c").updated_at
    login(user)
    client.get("/courses/c/lessons/m1-l1")
    client.submit("/courses/c/lessons/m1-l1/complete")
    assert fresh(db, "c").updated_at == version
