"""Telling a thread's author about replies: `reply_published` connected to `notify()`.

Kept apart from the services so that posting knows nothing about mail: the signal is sent inside
the posting request's unit of work, and `notify()` stores the notification there and mails it only
after the commit. The key `reply:<post id>` makes a repeated signal (a held reply approved after a
retry) tell no one twice.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.courses.models import Course
from lms.discussions.events import reply_published
from lms.discussions.models import Post, Thread
from lms.extensions import db
from lms.links import absolute_url
from lms.notifications.models import Kind
from lms.notifications.services import notify


def tell_thread_author(post: Post, thread: Thread) -> None:
    """The thread's author hears of every reply but their own; a withdrawn account hears nothing."""
    author = thread.author
    if post.author_id == thread.author_id or not author.active or author.withdrawn:
        return
    notify(
        author,
        Kind.REPLY,
        f"reply:{post.id}",
        _l("New reply in “%(title)s”", title=thread.title),
        post.body,
        absolute_url("discussions.post", slug=db.session.get(Course, thread.course_id).slug, post_id=post.id),
    )


def connect() -> None:
    reply_published.connect(_received, weak=False)


def _received(post: Post, thread: Thread) -> None:
    tell_thread_author(post, thread)
