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
    body = html.split('class="lesson-body"')[1].split(">", 1)[1].split("</div>")[0]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body


def outline_html(html: str) -> str:
    return html.split('class="course-outline"', 1)[1].split("</aside>", 1)[0]


def test_the_outline_shows_the_current_module_in_full_and_collapses_the_others(client, login, db, make_user):
    course = factories.make_course("three", modules=3, lessons=3)
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    client.submit("/courses/three/lessons/m2-l1/complete")
    outline = outline_html(client.get("/courses/three/lessons/m2-l2").get_data(as_text=True))
    assert outline.count("<details>") == 2  # modules 1 and 3; no script is needed to open them
    current = outline.split("Module 2", 1)[1].split("<details>", 1)[0]
    assert '<a href="#lesson-title" aria-current="page"><strong' in current
    assert 'href="m2-l1"' in current and "✓" in current  # done, marked in the open module
    assert 'href="m2-l3"' in current and 'href="../quizzes/m2"' in current
    first = outline.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "<summary>" in first and "Module 1" in first
    assert 'href="m1-l1"' in first and 'href="m1-l3"' in first and 'href="../quizzes/m1"' in first


def test_relative_outline_links_lead_to_the_lessons_and_quiz(client, login, db, make_user):
    course = factories.make_course("three", modules=2, lessons=2)
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    from urllib.parse import urljoin

    page = "/courses/three/lessons/m1-l1"
    for href in ("m2-l2", "../quizzes/m2"):
        assert f'href="{href}"' in client.get(page).get_data(as_text=True)
        assert client.get(urljoin(page, href)).status_code == 200, href


def test_in_a_large_course_a_collapsed_module_links_to_its_first_lesson_only(client, login, db, make_user):
    from lms.learning.views import LISTED_LESSONS

    modules = LISTED_LESSONS // 10 + 1
    course = factories.make_course("big", modules=modules, lessons=10, quiz=False)
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    outline = outline_html(client.get("/courses/big/lessons/m2-l5").get_data(as_text=True))
    assert outline.count("<details>") == modules - 1
    assert 'href="m2-l10"' in outline  # the open module lists all its lessons
    first = outline.split("<details>", 1)[1].split("</details>", 1)[0]
    assert 'href="m1-l1"' in first and "m1-l2" not in first and "…" in first


def test_hostile_titles_in_the_outline_are_escaped(client, login, db, make_user):
    spec = factories.course_spec("hostile", modules=2, lessons=1)
    spec.modules[0].lessons[0].title = '<img src=x onerror="alert(1)">'
    spec.modules[0].title = "<script>alert(1)</script>"
    from lms.content.importer import ImportReport, apply_course

    course = apply_course(spec, ImportReport())
    user = make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    outline = outline_html(client.get("/courses/hostile/lessons/m2-l1").get_data(as_text=True))
    assert "<img" not in outline and "<script" not in outline
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in outline
