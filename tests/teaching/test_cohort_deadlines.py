"""The cohort table shows who is behind (late modules), sorts and filters on it, and keeps its
query count whatever the size of the cohort."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.columns import utcnow
from lms.courses.models import CourseTrainer
from lms.roles import Role
from tests import factories

TODAY = utcnow().date()


def aaron(db) -> User:
    return db.session.execute(select(User).where(User.full_name == "Aaron Zulu")).scalar_one()


@pytest.fixture
def cohort_course(db):
    """Module 1 was due yesterday, module 2 is due next week; Aaron finished module 1."""
    course = factories.make_course("dated", modules=2, lessons=1, dues=[TODAY - timedelta(days=1),
                                                                       TODAY + timedelta(days=7)])  # fmt: skip
    trainer = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    for name in ("Aaron Zulu", "Grace Wanjiru"):
        factories.enrol(factories.make_user(full_name=name), course)
    db.session.commit()
    return course, trainer


def test_the_cohort_shows_who_is_behind(client, login, db, cohort_course):
    course, trainer = cohort_course
    login(aaron(db))
    client.submit("/courses/dated/lessons/m1-l1/complete")
    client.submit("/courses/dated/quizzes/m1", {"attempt": "1", "q-q1": "a", "q-q2": "a"})
    client.submit("/logout")
    login(trainer)
    page = client.get("/teaching/dated/cohort").get_data(as_text=True)
    assert "Late modules" in page
    grace = page[page.index("Grace Wanjiru") :]
    assert grace.index("Behind") < grace.index("Module 1") < grace.index("</tr>")
    aaron_row = page[page.index("Aaron Zulu") :]
    assert "On track" in aaron_row[: aaron_row.index("</tr>")]
    behind_only = client.get("/teaching/dated/cohort?behind=1").get_data(as_text=True)
    assert "Grace Wanjiru" in behind_only and "Aaron Zulu" not in behind_only
    by_lateness = client.get("/teaching/dated/cohort?sort=behind&order=desc").get_data(as_text=True)
    assert by_lateness.index("Grace Wanjiru") < by_lateness.index("Aaron Zulu")
    rows = list(csv.DictReader(io.StringIO(client.get("/teaching/dated/cohort.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))  # fmt: skip
    assert {row["name"]: row["late_modules"] for row in rows} == {"Aaron Zulu": "0", "Grace Wanjiru": "1"}


def test_a_course_without_due_dates_has_no_deadline_column(client, login, db, course):
    trainer = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    login(trainer)
    page = client.get("/teaching/ict-basics/cohort").get_data(as_text=True)
    assert "Late modules" not in page and "Show only learners behind" not in page


def test_the_cohort_page_keeps_its_query_count_whatever_the_cohort_size(client, login, db, cohort_course,
                                                                        count_queries):  # fmt: skip
    course, trainer = cohort_course
    login(trainer)

    def measure() -> int:
        client.get("/teaching/dated/cohort")
        with count_queries() as counter:
            assert client.get("/teaching/dated/cohort").status_code == 200
        return counter.count

    few = measure()
    for n in range(15):
        factories.enrol(factories.make_user(full_name=f"Learner {n}"), course)
    db.session.commit()
    assert measure() == few
