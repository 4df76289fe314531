"""Reading lessons, marking them complete, resuming, and the dashboard."""

from sqlalchemy import select

from lms.enrolment.models import Enrolment
from lms.learning.models import LessonCompletion
from lms.roles import Role
from tests import factories


def test_enrolled_learner_reads_a_rendered_lesson(client, login, learner):
    login(learner)
    page = client.get("/courses/ict-basics/lessons/m1-l1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<h2 id="h-part-11">Part 1.1</h2>' in html
    assert "Mark as complete" in html
    assert 'rel="next" href="/courses/ict-basics/lessons/m1-l2"' in html


def test_unenrolled_learner_is_offered_enrolment_instead(client, login, make_user, course):
    login(make_user())
    response = client.get("/courses/ict-basics/lessons/m1-l1")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Enrol in this course" in html and "Text 1.1" not in html


def test_unknown_course_or_lesson_is_404(client, login, learner):
    login(learner)
    assert client.get("/courses/nope/lessons/m1-l1").status_code == 404
    assert client.get("/courses/ict-basics/lessons/nope").status_code == 404


def test_trainer_of_the_course_and_admin_read_without_enrolling(client, login, db, course):
    from lms.courses.models import CourseTrainer

    trainer = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    login(trainer)
    assert client.get("/courses/ict-basics/lessons/m1-l1").status_code == 200


def test_trainer_of_another_course_must_enrol(client, login, make_user, course):
    login(make_user(role=Role.TRAINER))
    assert client.get("/courses/ict-basics/lessons/m1-l1").status_code == 403


def test_mark_complete_records_once_and_moves_on(client, login, learner, db):
    login(learner)
    first = client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    again = client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    assert first.headers["Location"].endswith("/courses/ict-basics/lessons/m1-l2")
    assert again.status_code == 302
    assert len(db.session.execute(select(LessonCompletion)).all()) == 1


def test_last_lesson_of_a_module_leads_to_its_quiz(client, login, learner):
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    response = client.submit("/courses/ict-basics/lessons/m1-l2/complete")
    assert response.headers["Location"].endswith("/courses/ict-basics/quizzes/m1")


def test_continue_returns_to_the_last_lesson_opened(client, login, learner):
    login(learner)
    assert client.get("/courses/ict-basics/continue").headers["Location"].endswith("/lessons/m1-l1")
    client.get("/courses/ict-basics/lessons/m2-l1")
    assert client.get("/courses/ict-basics/continue").headers["Location"].endswith("/lessons/m2-l1")


def test_dashboard_shows_progress_and_next_step(client, login, learner):
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    html = client.get("/learning").get_data(as_text=True)
    assert "Course ict-basics" in html
    assert 'value="16"' in html  # 1 of 6 items (4 lessons + 2 quizzes)
    assert "/courses/ict-basics/continue" in html


def test_leaving_keeps_the_enrolment_and_progress(client, login, learner, db):
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    assert client.submit("/courses/ict-basics/leave").status_code == 302
    enrolment = db.session.execute(select(Enrolment)).scalar_one()
    assert enrolment.status.value == "left" and enrolment.left_at is not None
    assert client.get("/courses/ict-basics/lessons/m1-l2").status_code == 403
    assert client.submit("/courses/ict-basics/enrol").status_code == 302
    db.session.expire_all()
    assert enrolment.status.value == "active"
    assert "✓" in client.get("/courses/ict-basics").get_data(as_text=True)


def test_lesson_html_is_sanitised_even_if_the_source_was_hostile(client, login, db, make_user):
    spec = factories.course_spec("hostile", modules=1, lessons=1)
    spec.modules[0].lessons[
        0
    ].body = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"
    from lms.content.importer import ImportReport, apply_course

    course = apply_course(spec, ImportReport())
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    html = client.get("/courses/hostile/lessons/m1-l1").get_data(as_text=True)
    body = html.split('class="lesson-body">')[1].split("</div>")[0]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
