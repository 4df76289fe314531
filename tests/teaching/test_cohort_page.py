"""Trainers see their cohorts' progress, scores and activity, and can export them safely."""

import csv
import io

from lms.courses.models import CourseTrainer
from lms.roles import Role
from tests import factories


def assign(db, course, **kwargs):
    trainer = factories.make_user(role=Role.TRAINER, **kwargs)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    return trainer


def test_cohort_shows_progress_and_best_scores(client, login, learner, course, db):
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    client.submit("/courses/ict-basics/quizzes/m1", {"attempt": "1", "q-q1": "a", "q-q2": "b"})
    client.submit("/logout")
    login(assign(db, course))
    html = client.get("/teaching/ict-basics/cohort").get_data(as_text=True)
    assert "Grace Wanjiru" in html
    assert "33%" in html and "50%" in html  # 1 lesson + 1 quiz (50% meets the pass mark) of 6


def test_cohort_is_sortable_by_progress(client, login, learner, course, db):
    other = factories.make_user(full_name="Aaron Zulu")
    factories.enrol(other, course)
    db.session.commit()
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    client.submit("/logout")
    login(assign(db, course))
    by_name = client.get("/teaching/ict-basics/cohort?sort=name").get_data(as_text=True)
    by_progress = client.get("/teaching/ict-basics/cohort?sort=progress&order=desc").get_data(as_text=True)
    assert by_name.index("Aaron Zulu") < by_name.index("Grace Wanjiru")
    assert by_progress.index("Grace Wanjiru") < by_progress.index("Aaron Zulu")


def test_cohort_csv_has_a_bom_and_neutralises_formulas(client, login, course, db):
    evil = factories.make_user(full_name="=cmd|' /C calc'!A0")
    factories.enrol(evil, course)
    db.session.commit()
    login(assign(db, course))
    response = client.get("/teaching/ict-basics/cohort.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["name", "email", "status"]
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_admin_assigns_and_removes_trainers(client, login, course, db, make_user):
    trainer = make_user(role=Role.TRAINER, email="tutor@example.org")
    learner_only = make_user(email="learner@example.org")
    login(make_user(role=Role.ADMIN))
    refused = client.submit("/admin/courses/ict-basics/trainers", {"email": learner_only.email})
    assert refused.status_code == 400 and "Only accounts with the trainer role" in refused.get_data(
        as_text=True
    )
    unknown = client.submit("/admin/courses/ict-basics/trainers", {"email": "ghost@example.org"})
    assert unknown.status_code == 400
    assert (
        client.submit("/admin/courses/ict-basics/trainers", {"email": "TUTOR@example.org"}).status_code == 302
    )
    assert db.session.get(CourseTrainer, (course.id, trainer.id)) is not None
    assert client.submit(f"/admin/courses/ict-basics/trainers/{trainer.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(CourseTrainer, (course.id, trainer.id)) is None
    assert client.submit(f"/admin/courses/ict-basics/trainers/{trainer.id}/remove").status_code == 404
