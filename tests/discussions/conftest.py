"""People and helpers of the discussion tests: the `course` of tests/conftest.py (modules m1,
m2), its enrolled `learner`, a second enrolled learner and the course's trainer."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.courses.models import CourseTrainer
from lms.discussions.models import Post, PostReport, Thread
from lms.roles import Role
from tests import factories

BASE = "/courses/ict-basics/discussions"


@pytest.fixture
def classmate(db, course):
    user = factories.make_user(full_name="Ana Sousa")
    factories.enrol(user, course)
    db.session.commit()
    return user


@pytest.fixture
def trainer(db, course):
    user = factories.make_user(role=Role.TRAINER, full_name="Tariq Trainer")
    db.session.add(CourseTrainer(course_id=course.id, user_id=user.id))
    db.session.commit()
    return user


@pytest.fixture
def switch_to(client, login):
    """Sign out whoever is signed in, then sign `user` in."""

    def switch(user):
        client.submit("/logout")
        return login(user)

    return switch


def start_thread(client, title="How do I cite a video?", body="Is there a *style* for it?", topic="general"):
    response = client.submit(f"{BASE}/new", {"topic": topic, "title": title, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/discussions/(\d+)", response.headers["Location"]).group(1))


def reply_to(client, thread_id: int, body: str = "Use the APA format.") -> int:
    response = client.submit(f"{BASE}/{thread_id}/replies", {"body": body})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rsplit("#post-", 1)[1])


def counts(db) -> tuple[int, int, int]:
    """(threads, posts, reports) stored."""
    db.session.rollback()
    return tuple(
        db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Thread, Post, PostReport)
    )
