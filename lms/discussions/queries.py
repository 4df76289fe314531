"""Reads of the discussion pages: what a visitor may see, listed in a fixed number of queries.

Visibility: published and hidden posts for everyone taking part (a hidden post's text only for
its author and the moderators: the others see that it was hidden); held posts only for their
author and the course's moderators. A held thread (its opening post held) is listed only for its author and
the moderators.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import joinedload

from lms.database import contains_pattern
from lms.discussions.models import Post, PostReport, PostStatus, Thread
from lms.extensions import db

GENERAL = "general"  # the topic parameter of the general topic (modules use their slugs)


def _visible_threads(viewer_id: int, moderator: bool):
    return true() if moderator else or_(Thread.held.is_(False), Thread.author_id == viewer_id)


def _visible_posts(viewer_id: int, moderator: bool):
    """Hidden posts are listed (as "hidden by a moderator"), held ones only for their author."""
    return true() if moderator else or_(Post.status != PostStatus.HELD, Post.author_id == viewer_id)


def threads(
    course_id: int, viewer_id: int, moderator: bool, *, module_id: int | None | str = "", text: str = ""
) -> Select:
    """Threads, pinned first, then by latest activity. `module_id` "" for every topic, None
    for the general one; `text` searches titles and visible posts."""
    query = (
        select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.course_id == course_id, _visible_threads(viewer_id, moderator))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    if module_id is None:
        query = query.where(Thread.module_id.is_(None))
    elif module_id != "":
        query = query.where(Thread.module_id == module_id)
    text = text.strip()
    if text:
        pattern = contains_pattern(text)
        # A hidden post's text is searchable only by moderators (others cannot read it).
        searchable = (
            true()
            if moderator
            else or_(
                Post.status == PostStatus.PUBLISHED,
                and_(Post.author_id == viewer_id, Post.status == PostStatus.HELD),
            )
        )
        in_posts = exists().where(
            Post.thread_id == Thread.id, searchable, Post.body.ilike(pattern, escape="\\")
        )
        query = query.where(or_(Thread.title.ilike(pattern, escape="\\"), in_posts))
    return query


def reply_counts(thread_ids: list[int], viewer_id: int, moderator: bool) -> dict[int, int]:
    """Visible replies per thread of a page, in one query."""
    if not thread_ids:
        return {}
    rows = db.session.execute(
        select(Post.thread_id, func.count())
        .where(Post.thread_id.in_(thread_ids), Post.opening.is_(False), _visible_posts(viewer_id, moderator))
        .group_by(Post.thread_id)
    )
    return dict(rows.all())


def topic_counts(course_id: int, viewer_id: int, moderator: bool) -> dict[int | None, int]:
    """Visible threads per module id (None: the general topic), in one query."""
    rows = db.session.execute(
        select(Thread.module_id, func.count())
        .where(Thread.course_id == course_id, _visible_threads(viewer_id, moderator))
        .group_by(Thread.module_id)
    )
    return dict(rows.all())


def thread_in_course(thread_id: int, course_id: int, viewer_id: int, moderator: bool) -> Thread | None:
    return db.session.execute(
        select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.id == thread_id, Thread.course_id == course_id, _visible_threads(viewer_id, moderator))
    ).scalar_one_or_none()


def posts(thread: Thread, viewer_id: int, moderator: bool) -> Select:
    """The thread's visible posts in order, the opening one first, with their authors."""
    return (
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.thread_id == thread.id, _visible_posts(viewer_id, moderator))
        .order_by(Post.id)
    )


def post_in_course(post_id: int, course_id: int, viewer_id: int, moderator: bool) -> Post | None:
    """A post the viewer may see, with its thread (which the viewer may see too)."""
    return db.session.execute(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.thread), joinedload(Post.author))
        .where(
            Post.id == post_id,
            Post.course_id == course_id,
            _visible_posts(viewer_id, moderator),
            _visible_threads(viewer_id, moderator),
        )
    ).scalar_one_or_none()


def open_report_counts(post_ids: list[int]) -> dict[int, int]:
    """Open reports per post, for the moderators' view of a thread page (one query)."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(PostReport.post_id, func.count())
        .where(PostReport.post_id.in_(post_ids), PostReport.resolved_at.is_(None))
        .group_by(PostReport.post_id)
    )
    return dict(rows.all())


def open_reports(course_id: int) -> Select:
    """Open reports of the course, oldest first, with the post, its thread and the people."""
    return (
        select(PostReport)
        .options(
            joinedload(PostReport.reporter),
            joinedload(PostReport.post).options(joinedload(Post.author), joinedload(Post.thread)),
        )
        .where(PostReport.course_id == course_id, PostReport.resolved_at.is_(None))
        .order_by(PostReport.created_at, PostReport.id)
    )


def held_posts(course_id: int) -> list[Post]:
    return list(
        db.session.execute(
            select(Post)
            .options(joinedload(Post.author), joinedload(Post.thread))
            .where(Post.course_id == course_id, Post.status == PostStatus.HELD)
            .order_by(Post.id)
            .limit(100)
        ).scalars()
    )


def report_in_course(report_id: int, course_id: int) -> PostReport | None:
    return db.session.execute(
        select(PostReport).where(PostReport.id == report_id, PostReport.course_id == course_id)
    ).scalar_one_or_none()
