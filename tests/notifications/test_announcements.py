"""Trainers post announcements to a course: shown on the course page to its learners, mailed to
each enrolled learner (as a task, in batches), sanitised like every authored text."""

import pytest
from sqlalchemy import func, select

from lms.announcements import services as announcements
from lms.announcements.models import Announcement
from lms.courses.models import CourseTrainer
from lms.notifications.models import Notification
from lms.roles import Role
from tests import factories, mailbox


def world(db):
    course = factories.make_course("open", modules=1, lessons=1, quiz=False, title="Online Teaching")
    trainer = factories.make_user(role=Role.TRAINER, full_name="Ngozi Trainer")
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    learners = [factories.make_user() for _ in range(3)]
    for learner in learners:
        factories.enrol(learner, course)
    outsider = factories.make_user()
    db.session.commit()
    return course, trainer, learners, outsider


def test_a_trainer_posts_and_every_enrolled_learner_is_told_once(app, client, login, db):
    course, trainer, learners, outsider = world(db)
    login(trainer)
    body = "Meet on **Friday**.<script>alert(1)</script> [notes](javascript:alert(1))"
    response = client.submit("/teaching/open/announcements", {"title": "Live session", "body": body})
    assert response.status_code == 302
    [announcement] = db.session.execute(select(Announcement)).scalars()
    assert "<strong>Friday</strong>" in announcement.body_html
    assert "<script" not in announcement.body_html and "javascript:" not in announcement.body_html
    recipients = sorted(message["To"] for message in mailbox.messages(app))
    assert recipients == sorted(learner.email for learner in learners)
    [message] = [m for m in mailbox.messages(app) if m["To"] == learners[0].email]
    assert message["Subject"] == "Online Teaching: Live session" and message["List-Unsubscribe"]
    assert f"/courses/open/announcements#announcement-{announcement.id}" in message.get_content()
    # The course page shows it to a learner, not to someone who is not enrolled.
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(learners[0])
    assert "Live session" in client.get("/courses/open").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(outsider)
    assert "Live session" not in client.get("/courses/open").get_data(as_text=True)
    assert client.get("/courses/open/announcements").status_code == 403


def test_large_courses_are_told_in_batches_each_learner_once(app, db, monkeypatch):
    course, trainer, learners, _ = world(db)
    learners += [factories.enrol(factories.make_user(), course).user for _ in range(4)]
    db.session.commit()
    monkeypatch.setattr(announcements, "BATCH", 2)
    announcements.post(course, trainer, "Batches", "Seven learners, two at a time.")
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar_one() == 7
    assert len(mailbox.messages(app)) == 7
    # A repeated task (a worker that died) tells nobody twice.
    [announcement] = db.session.execute(select(Announcement)).scalars()
    app.extensions["celery"].tasks["lms.announcements.notify"].apply(args=[announcement.id, 0]).get()
    assert len(mailbox.messages(app)) == 7


def test_bad_input_is_a_form_error_and_nothing_is_stored(app, client, login, db):
    _course, trainer, _learners, _ = world(db)
    login(trainer)
    for data in (
        {"title": "", "body": "Text"},
        {"title": "Title", "body": "x" * 20_001},
        {"title": "T" * 201, "body": "Text"},
        {"title": "\x00", "body": "Text"},
        {"title": "Deep", "body": ">" * 500 + " quote"},
    ):
        assert client.submit("/teaching/open/announcements", data).status_code == 400, data
    assert db.session.execute(select(func.count()).select_from(Announcement)).scalar_one() == 0
    assert mailbox.messages(app) == []


def test_only_the_courses_trainers_and_admins_may_post(app, client, login, db):
    _course, _trainer, learners, _ = world(db)
    other = factories.make_user(role=Role.TRAINER)
    db.session.commit()
    login(other)
    assert client.submit("/teaching/open/announcements", {"title": "Hi", "body": "No"}).status_code == 403
    assert db.session.execute(select(func.count()).select_from(Announcement)).scalar_one() == 0


def test_learners_are_told_even_if_the_author_was_erased_before_the_task_ran(app, db):
    course, trainer, learners, _ = world(db)
    announcement = Announcement(
        course_id=course.id, author_id=None, title="Orphan", body="Text", body_html="<p>Text</p>"
    )
    db.session.add(announcement)
    db.session.commit()
    app.extensions["celery"].tasks["lms.announcements.notify"].apply(args=[announcement.id, 0]).get()
    assert len(mailbox.messages(app)) == len(learners)


@pytest.mark.parametrize(
    "url", ["/courses/open/announcements", "/courses/open", "/teaching/open/announcements"]
)
def test_the_pages_listing_announcements_take_as_many_queries_for_one_as_for_twenty(
    app, client, login, db, count_queries, url
):
    course, trainer, learners, _ = world(db)
    reader = trainer if url.startswith("/teaching") else learners[0]
    login(reader)

    def measured() -> int:
        client.get(url)  # warm the outline cache
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    db.session.add(
        Announcement(course_id=course.id, author_id=trainer.id, title="One", body="x", body_html="x")
    )
    db.session.commit()
    one = measured()
    for n in range(19):
        db.session.add(
            Announcement(course_id=course.id, author_id=trainer.id, title=f"N{n}", body="x", body_html="x")
        )
    db.session.commit()
    assert measured() == one
