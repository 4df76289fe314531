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


def names_in(html: str, names: list[str]) -> list[str]:
    return sorted((name for name in names if name in html), key=html.index)


def test_a_large_cohort_is_shown_a_page_at_a_time_in_the_chosen_order(client, login, course, db, monkeypatch):
    from lms.teaching import cohort

    monkeypatch.setattr(cohort, "PER_PAGE", 3)
    names = [f"Learner {letter}" for letter in "ABCDEFG"]
    for name in reversed(names):
        factories.enrol(factories.make_user(full_name=name), course)
    db.session.commit()
    login(assign(db, course))
    first = client.get("/teaching/ict-basics/cohort").get_data(as_text=True)
    assert names_in(first, names) == names[:3]
    assert "7 learners" in first and "Page 1 of 3" in first
    assert 'href="/teaching/ict-basics/cohort?page=2&amp;sort=name&amp;order=asc" rel="next"' in first
    second = client.get("/teaching/ict-basics/cohort?page=2&sort=name&order=asc").get_data(as_text=True)
    assert names_in(second, names) == names[3:6]
    backwards = client.get("/teaching/ict-basics/cohort?page=3&sort=name&order=desc").get_data(as_text=True)
    assert names_in(backwards, names) == ["Learner A"]


def test_a_hostile_page_number_shows_the_first_or_last_page(client, login, course, db, monkeypatch):
    from lms.teaching import cohort

    monkeypatch.setattr(cohort, "PER_PAGE", 2)
    for name in ("Ann One", "Ben Two", "Cat Three"):
        factories.enrol(factories.make_user(full_name=name), course)
    db.session.commit()
    login(assign(db, course))
    for number, expected in (("0", "Ann One"), ("-4", "Ann One"), ("x", "Ann One"), ("9" * 40, "Cat Three")):
        response = client.get(f"/teaching/ict-basics/cohort?page={number}")
        assert response.status_code == 200, number
        assert expected in response.get_data(as_text=True), number
    assert client.get("/teaching/ict-basics/cohort?page=1%00").status_code == 400  # as on every page


def test_the_cohort_page_costs_the_same_statements_for_5_or_60_learners(
    client, login, course, db, count_queries
):
    trainer = assign(db, course)
    login(trainer)

    def statements() -> int:
        client.get("/teaching/ict-basics/cohort")
        with count_queries() as counter:
            assert client.get("/teaching/ict-basics/cohort?sort=progress").status_code == 200
        return len(counter.statements)

    for number in range(5):
        factories.enrol(factories.make_user(full_name=f"Few {number}"), course)
    db.session.commit()
    few = statements()
    for number in range(55):
        factories.enrol(factories.make_user(full_name=f"Many {number}"), course)
    db.session.commit()
    many = statements()
    assert few == many
    html = client.get("/teaching/ict-basics/cohort").get_data(as_text=True)
    assert html.count('<th scope="row">') == 50 and "60 learners" in html


def test_the_csv_still_has_the_whole_cohort(client, login, course, db, monkeypatch):
    from lms.teaching import cohort

    monkeypatch.setattr(cohort, "PER_PAGE", 2)
    for number in range(5):
        factories.enrol(factories.make_user(full_name=f"Row {number}"), course)
    db.session.commit()
    login(assign(db, course))
    rows = list(csv.reader(io.StringIO(client.get("/teaching/ict-basics/cohort.csv").get_data(as_text=True))))
    assert len(rows) == 1 + 5
