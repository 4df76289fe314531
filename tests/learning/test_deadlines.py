"""What is due and what is late: My learning, the reminders' query, and the rules of "done"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from lms.columns import utcnow
from lms.courses.models import Course
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.learning import deadlines
from tests import factories

NOW = utcnow()
TODAY = NOW.date()


def days(n: int):
    return TODAY + timedelta(days=n)


@pytest.fixture
def timetabled(db):
    """Module 1 was due three days ago, module 2 is due in two days, module 3 in twenty."""
    course = factories.make_course("timetabled", modules=3, lessons=1, dues=[days(-3), days(2), days(20)])
    db.session.commit()
    return course


def finish_module(client, slug: str, module: int) -> None:
    client.submit(f"/courses/{slug}/lessons/m{module}-l1/complete")
    client.submit(f"/courses/{slug}/quizzes/m{module}", {"attempt": "1", "q-q1": "a", "q-q2": "a"})


def test_my_learning_shows_what_is_late_and_what_is_due_next(client, login, db, timetabled):
    user = factories.make_user()
    factories.enrol(user, timetabled)
    db.session.commit()
    login(user)
    page = client.get("/learning").get_data(as_text=True)
    late, upcoming = page.index("Late:"), page.index("Next due:")
    assert page.index("Module 1", late) < upcoming and "Module 2" in page[upcoming:]
    assert "Module 3" not in page  # only the next one is shown
    finish_module(client, "timetabled", 1)
    page = client.get("/learning").get_data(as_text=True)
    assert "Late:" not in page and "Next due:" in page


def test_a_module_is_done_only_when_the_rule_is_met(db, timetabled, client, login):
    user = factories.make_user()
    factories.enrol(user, timetabled)
    db.session.commit()
    login(user)
    client.submit("/courses/timetabled/lessons/m1-l1/complete")
    client.submit("/courses/timetabled/quizzes/m1", {"attempt": "1", "q-q1": "b", "q-q2": "b"})  # failed
    (mine,) = deadlines.by_course(user.id, [timetabled.id]).values()
    assert [d.module_slug for d in mine.late] == ["m1"] and mine.next.module_slug == "m2"


def test_a_module_without_a_quiz_counts_as_done_under_an_all_quizzes_rule(db):
    course = factories.make_course("quizless", modules=1, lessons=1, quiz=False, rule="all-quizzes",
                                   dues=[days(-1)])  # fmt: skip
    user = factories.make_user()
    factories.enrol(user, course)
    db.session.flush()
    assert deadlines.by_course(user.id, [course.id]) == {}


def test_a_timed_deadline_is_late_from_its_moment(db):
    hour = timedelta(hours=1)
    course = factories.make_course("timed", modules=2, lessons=1,
                                   dues=[(NOW - hour).replace(tzinfo=UTC), (NOW + hour).replace(tzinfo=UTC)])  # fmt: skip
    user = factories.make_user()
    factories.enrol(user, course)
    db.session.flush()
    (mine,) = deadlines.by_course(user.id, [course.id]).values()
    assert [d.module_slug for d in mine.late] == ["m1"] and mine.next.module_slug == "m2"


def test_a_day_deadline_is_not_late_until_the_day_is_over(db):
    course = factories.make_course("today", modules=1, lessons=1, dues=[TODAY])
    user = factories.make_user()
    factories.enrol(user, course)
    db.session.flush()
    (mine,) = deadlines.by_course(user.id, [course.id]).values()
    assert mine.late == [] and mine.next.module_slug == "m1"
    tomorrow = datetime.combine(days(1), datetime.min.time())
    (later,) = deadlines.by_course(user.id, [course.id], now=tomorrow).values()
    assert [d.module_slug for d in later.late] == ["m1"]


def test_due_soon_lists_learners_with_an_unfinished_module_due_in_the_window(db, timetabled, client, login):
    waiting, finished, gone, erased = (factories.make_user() for _ in range(4))
    for user in (waiting, finished, gone, erased):
        factories.enrol(user, timetabled)
    db.session.execute(
        update(Enrolment).where(Enrolment.user_id == gone.id).values(status=EnrolmentStatus.LEFT)
    )
    erased.withdrawn_at = NOW
    db.session.commit()
    login(finished)
    finish_module(client, "timetabled", 2)
    soon = deadlines.due_soon(7)
    assert [(d.user_id, d.module_slug) for d in soon] == [(waiting.id, "m2")]  # m1 is late, m3 too far
    assert [d.module_slug for d in deadlines.due_soon(30) if d.user_id == waiting.id] == ["m2", "m3"]
    assert deadlines.due_soon(1) == []


def test_due_soon_leaves_out_unpublished_courses(db, timetabled):
    user = factories.make_user()
    factories.enrol(user, timetabled)
    db.session.execute(update(Course).where(Course.id == timetabled.id).values(published=False))
    db.session.flush()
    assert deadlines.due_soon(7) == []


def test_due_soon_keeps_to_one_statement_whatever_the_number_of_learners(db, timetabled, count_queries):
    for _ in range(2):
        factories.enrol(factories.make_user(), timetabled)
    db.session.commit()
    with count_queries() as few:
        assert len(deadlines.due_soon(7)) == 2
    for _ in range(20):
        factories.enrol(factories.make_user(), timetabled)
    db.session.commit()
    with count_queries() as many:
        assert len(deadlines.due_soon(7)) == 22
    assert few.count == many.count == 1


def test_my_learning_keeps_its_query_count_with_deadlines(client, login, db, count_queries):
    user = factories.make_user()
    factories.enrol(user, factories.make_course("d0", modules=2, lessons=2, dues=[days(-1), days(3)]))
    db.session.commit()
    login(user)

    def measure() -> int:
        client.get("/learning")
        with count_queries() as counter:
            assert client.get("/learning").status_code == 200
        return counter.count

    one = measure()
    for n in range(1, 6):
        factories.enrol(
            user, factories.make_course(f"d{n}", modules=3, lessons=2, dues=[days(-n), days(n), None])
        )
    db.session.commit()
    assert measure() == one
