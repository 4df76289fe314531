"""Reminder rules: inactivity in a running course and a coming due date; one reminder per item,
never more than one a week per person."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms.columns import utcnow
from lms.enrolment.models import Enrolment
from lms.notifications import services
from lms.notifications.models import Kind, Notification
from lms.unit_of_work import unit_of_work
from tests import factories, mailbox


def idle(db, user, course, days: int) -> Enrolment:
    enrolment = factories.enrol(user, course)
    enrolment.enrolled_at = enrolment.last_activity_at = utcnow() - timedelta(days=days)
    db.session.flush()
    return enrolment


def remind(now: datetime | None = None) -> int:
    with unit_of_work():
        return services.send_reminders(now)


def reminders(db, user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == Kind.REMINDER)
        ).scalars()
    )


def test_a_learner_idle_for_the_set_days_is_reminded_once(app, db):
    course = factories.make_course("idle", modules=1, lessons=2, quiz=False, title="Digital Pedagogy")
    learner, busy = factories.make_user(), factories.make_user()
    idle(db, learner, course, 15)
    idle(db, busy, course, 2)
    db.session.commit()
    assert remind() == 1
    [message] = mailbox.messages(app)
    assert message["To"] == learner.email and "Digital Pedagogy" in message["Subject"]
    assert "http://localhost/courses/idle/continue" in message.get_content()
    assert remind() == 0 and remind(utcnow() + timedelta(days=8)) == 0  # the same idle spell: once
    assert reminders(db, busy) == []


def test_no_reminder_in_a_course_that_has_ended_or_not_started_or_is_completed_or_left(app, db):
    ended = factories.make_course("ended", modules=1, lessons=1, quiz=False)
    ended.starts_on, ended.ends_on = date.today() - timedelta(days=60), date.today() - timedelta(days=1)
    later = factories.make_course("later", modules=1, lessons=1, quiz=False)
    later.starts_on = date.today() + timedelta(days=5)
    done = factories.make_course("done", modules=1, lessons=1, quiz=False)
    left = factories.make_course("left", modules=1, lessons=1, quiz=False)
    learner = factories.make_user()
    idle(db, learner, ended, 30)
    idle(db, learner, later, 30)
    idle(db, learner, done, 30).completed_at = utcnow()
    idle(db, learner, left, 30).leave()
    db.session.commit()
    assert remind() == 0


def test_never_more_than_one_reminder_a_week(app, db):
    learner = factories.make_user()
    for slug in ("one", "two"):
        idle(db, learner, factories.make_course(slug, modules=1, lessons=1, quiz=False), 20)
    db.session.commit()
    assert remind() == 1
    assert remind(utcnow() + timedelta(days=6)) == 0
    assert remind(utcnow() + timedelta(days=7, minutes=1)) == 1  # the other course, a week later
    assert len(reminders(db, learner)) == 2


def test_a_module_due_soon_and_not_done_is_reminded(app, db):
    soon = date.today() + timedelta(days=2)
    course = factories.make_course(
        "due", modules=2, lessons=1, quiz=False, dues=[soon, date.today() + timedelta(days=30)]
    )
    learner, finished = factories.make_user(), factories.make_user()
    factories.enrol(learner, course)
    factories.enrol(finished, course)
    from lms.learning import services as learning

    learning.complete_lesson(finished.id, course.modules[0].lessons[0])
    db.session.commit()
    assert remind() == 1
    [notification] = reminders(db, learner)
    assert notification.key.startswith(f"reminder:due:{course.id}:{course.modules[0].id}:")
    assert course.modules[0].title in notification.subject
    assert reminders(db, finished) == []


def test_an_inactive_or_withdrawn_account_gets_no_reminder(app, db):
    course = factories.make_course("idle", modules=1, lessons=1, quiz=False)
    learner = factories.make_user()
    idle(db, learner, course, 30)
    learner.active = False
    db.session.commit()
    assert remind() == 0


def test_the_cli_and_the_task_send_them(app, db, runner):
    course = factories.make_course("idle", modules=1, lessons=1, quiz=False)
    idle(db, factories.make_user(), course, 30)
    db.session.commit()
    result = runner.invoke(args=["notifications", "remind"])
    assert result.exit_code == 0 and "Sent 1 reminders." in result.output
    assert app.extensions["celery"].tasks["lms.notifications.remind"].apply().get() == 0  # done already
    assert "send-reminders" in app.config["CELERY_BEAT_SCHEDULE"]
