"""A course completion is recorded exactly once, and announced exactly once."""

import threading

from sqlalchemy import select

from lms.courses.queries import course_by_slug
from lms.enrolment.models import Enrolment
from lms.extensions import db as _db
from lms.learning import services
from lms.learning.events import course_completed
from tests import factories


def finish_everything(client):
    for lesson in ("m1-l1", "m1-l2", "m2-l1", "m2-l2"):
        client.submit(f"/courses/ict-basics/lessons/{lesson}/complete")
    for module in ("m1", "m2"):
        client.submit(f"/courses/ict-basics/quizzes/{module}", {"attempt": "1", "q-q1": "a", "q-q2": "a"})


def test_meeting_the_rule_completes_the_course_once(client, login, learner, db):
    received = []
    course_completed.connect(received.append, weak=False)
    try:
        login(learner)
        finish_everything(client)
        client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    finally:
        course_completed.disconnect(received.append)
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    assert enrolment.completed_at is not None and enrolment.completed_version == "1.0"
    assert len(received) == 1
    assert "Completed on" in client.get("/learning").get_data(as_text=True)


def test_failing_a_quiz_does_not_complete_the_course(client, login, learner, db):
    login(learner)
    for lesson in ("m1-l1", "m1-l2", "m2-l1", "m2-l2"):
        client.submit(f"/courses/ict-basics/lessons/{lesson}/complete")
    client.submit("/courses/ict-basics/quizzes/m1", {"attempt": "1", "q-q1": "a", "q-q2": "a"})
    client.submit("/courses/ict-basics/quizzes/m2", {"attempt": "1", "q-q1": "b", "q-q2": "b"})
    assert db.session.execute(select(Enrolment.completed_at)).scalar_one() is None


def test_lessons_only_rule_ignores_quizzes(client, login, db, make_user):
    course = factories.make_course("reading", modules=1, lessons=2, rule="all-lessons")
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    client.submit("/courses/reading/lessons/m1-l1/complete")
    client.submit("/courses/reading/lessons/m1-l2/complete")
    assert db.session.execute(select(Enrolment.completed_at)).scalar_one() is not None


def test_concurrent_checks_announce_completion_once(app, learner, course, db):
    from lms.learning.models import LessonCompletion
    from lms.quizzes.models import QuizAttempt

    for lesson in course.lessons:
        db.session.add(LessonCompletion(user_id=learner.id, lesson_id=lesson.id, course_id=course.id))
    for quiz in course.quizzes:
        db.session.add(
            QuizAttempt(
                quiz_id=quiz.id,
                user_id=learner.id,
                course_id=course.id,
                number=1,
                score=100,
                passed=True,
                answers={},
            )
        )
    db.session.commit()
    received = []
    barrier = threading.Barrier(2)

    def check():
        with app.app_context():
            enrolment = _db.session.execute(select(Enrolment)).scalar_one()
            loaded = course_by_slug("ict-basics", with_structure=True)
            barrier.wait()
            if services.check_course_completion(enrolment, loaded):
                received.append(1)
            _db.session.commit()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert received == [1]
