"""Posting an announcement and telling the course's learners. `post` flushes; the request
commits, then the task `lms.announcements.notify` notifies the enrolled learners in batches
(each batch its own unit of work; a repeated batch notifies nobody twice: the notification's
key is the announcement)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from lms import queue
from lms.accounts.models import User
from lms.announcements.models import Announcement
from lms.columns import utcnow
from lms.content.markup import MarkupTooComplex, render_markdown
from lms.courses.models import Course
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.errors import DomainError
from lms.extensions import db
from lms.inputs import one_line
from lms.links import absolute_url
from lms.notifications.models import Kind
from lms.notifications.services import notify, when_committed
from lms.unit_of_work import unit_of_work

MAX_TITLE = 200
MAX_BODY = 20_000
BATCH = 200  # learners notified per unit of work
SHOWN_ON_COURSE_PAGE = 3
REPEAT_WINDOW = timedelta(minutes=2)  # an identical announcement sent again within it is the same one


class AnnouncementError(DomainError):
    """The announcement cannot be posted; the message says why (and `field` where)."""


def post(course: Course, author: User, title: str, body: str) -> Announcement:
    """Store the announcement and queue the learners' notifications (after the commit).
    Raises AnnouncementError for empty, oversized or unrenderable text. Flushes only."""
    title = one_line(title or "")
    body = (body or "").replace("\x00", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise AnnouncementError(_("Give a title of at most %(max)d characters.", max=MAX_TITLE), "title")
    if not body or len(body) > MAX_BODY:
        raise AnnouncementError(_("Write a message of at most %(max)d characters.", max=MAX_BODY), "body")
    try:
        html = render_markdown(body)
    except MarkupTooComplex as error:
        raise AnnouncementError(error.limit.message(), "body") from None
    # The same form sent twice (a double click, a resent POST) must not tell every learner twice:
    # the author's row is taken first (concurrent sends wait here), then an identical announcement
    # of the last REPEAT_WINDOW is returned instead of a new one.
    db.session.execute(
        update(User)
        .where(User.id == author.id)
        .values(active=User.active)
        .execution_options(synchronize_session=False)
    )
    repeated = db.session.execute(
        select(Announcement)
        .where(
            Announcement.course_id == course.id,
            Announcement.author_id == author.id,
            Announcement.title == title,
            Announcement.body == body,
            Announcement.created_at > utcnow() - REPEAT_WINDOW,
        )
        .order_by(Announcement.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if repeated is not None:
        return repeated
    announcement = Announcement(
        course_id=course.id, author_id=author.id, title=title, body=body, body_html=html
    )
    db.session.add(announcement)
    db.session.flush()
    when_committed(queue.enqueue, "lms.announcements.notify", announcement.id, 0)
    return announcement


def of_course(course_id: int, limit: int | None = None) -> list[Announcement]:
    query = (
        select(Announcement)
        .where(Announcement.course_id == course_id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )
    return list(db.session.execute(query.limit(limit) if limit else query).scalars())


def for_learner(course: Course, user_id: int, limit: int) -> list[Announcement]:
    """The latest announcements of a published course if `user_id` is actively enrolled in it,
    else none: one statement (the course page counts them)."""
    if not course.published:
        return []
    enrolled = exists().where(
        Enrolment.user_id == user_id,
        Enrolment.course_id == course.id,
        Enrolment.status == EnrolmentStatus.ACTIVE,
    )
    return list(
        db.session.execute(
            select(Announcement)
            .where(Announcement.course_id == course.id, enrolled)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        ).scalars()
    )


def notify_batch(announcement: Announcement, after_user_id: int) -> int | None:
    """Notify the next BATCH active learners (by id, after `after_user_id`); returns the last
    id notified when there may be more, else None. Flushes only."""
    course = db.session.get(Course, announcement.course_id)
    query = (
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.course_id == announcement.course_id,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            User.id > after_user_id,
        )
        .order_by(User.id)
        .limit(BATCH)
    )
    if announcement.author_id is not None:  # (`!= NULL` would match nobody once the author is erased)
        query = query.where(User.id != announcement.author_id)
    learners = list(db.session.execute(query).scalars())
    link = (
        absolute_url("announcements.course_announcements", slug=course.slug)
        + f"#announcement-{announcement.id}"
    )
    for learner in learners:
        notify(
            learner,
            Kind.ANNOUNCEMENT,
            f"announcement:{announcement.id}",
            _l("%(course)s: %(title)s", course=course.title, title=announcement.title),
            announcement.body,
            link,
            language=course.language,
        )
    return learners[-1].id if len(learners) == BATCH else None


@queue.task("lms.announcements.notify")
def notify_learners(announcement_id: int, after_user_id: int) -> None:
    """One batch, then the next one queued (so a course of 10,000 is never one long transaction)."""
    with unit_of_work():
        announcement = db.session.get(Announcement, announcement_id)
        if announcement is None:
            return
        last = notify_batch(announcement, after_user_id)
        if last is not None:
            queue.enqueue("lms.announcements.notify", announcement_id, last)
