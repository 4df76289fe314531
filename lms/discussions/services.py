"""Writing and moderating discussions. Functions flush; the request commits.

Every refusal is a `DiscussionError` raised before anything is added, so a refused post writes
nothing. Who may call what (taking part, moderating) is decided by the views through
`lms.discussions.access`; the functions here are given that decision as `moderator`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from lms import audit
from lms.accounts.models import User
from lms.columns import utcnow
from lms.content.budget import MarkupTooComplex
from lms.content.markup import render_markdown
from lms.courses.models import Course
from lms.database import insert_unless_present
from lms.discussions.events import reply_published
from lms.discussions.models import Post, PostReport, PostStatus, Thread
from lms.errors import DomainError
from lms.extensions import db

REASON_MAX_CHARS = 1000
TITLE_MAX_CHARS = 200
EXCERPT_CHARS = 300


class DiscussionError(DomainError):
    """A post or a moderation was refused; the message says why."""


class PostingTooFast(DiscussionError):
    status = 429


class ThreadLocked(DiscussionError):
    status = 409


class NotAllowed(DiscussionError):
    status = 403


# --- rendering ------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_ANCHOR_ATTRIBUTE = re.compile(r'(\s(?:id|href)=")(#?)((?:h-|fn:|fnref:)[^"]*")')


def _scoped_ids(html: str, post_id: int) -> str:
    """Heading and footnote ids prefixed with the post's number: a page shows many posts, and
    two with the same heading (or footnote 1) would otherwise repeat an id. The sanitised HTML
    has `<` only in tags (text is escaped), so rewriting inside tags touches no text."""

    def in_tag(match: re.Match) -> str:
        return _ANCHOR_ATTRIBUTE.sub(
            lambda m: f"{m.group(1)}{m.group(2)}p{post_id}-{m.group(3)}", match.group(0)
        )

    return _TAG.sub(in_tag, html)


def _plain_excerpt(html: str) -> str:
    text = " ".join(unescape(_TAG.sub(" ", html)).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _checked_body(body: str | None) -> tuple[str, str]:
    """(the text, its sanitised HTML) or DiscussionError on the `body` field: empty, longer than
    DISCUSSION_POST_MAX_CHARS, or bigger than DISCUSSION_POST_MAX_HTML_BYTES once formatted (so
    that a post's own page stays light), or beyond the Markdown budget."""
    config = current_app.config
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise DiscussionError(_("Write something before sending."), "body")
    limit = config["DISCUSSION_POST_MAX_CHARS"]
    if len(text) > limit:
        raise DiscussionError(
            _(
                "A post may be at most %(limit)s characters long; this one has %(count)s.",
                limit=format_number(limit),
                count=format_number(len(text)),
            ),
            "body",
        )
    try:
        # Images are dropped: a picture from another site would tell it who reads the course.
        html = render_markdown(text, rewrite_image=lambda _source: None)
    except MarkupTooComplex:
        html = None
    if html is None or len(html.encode()) > config["DISCUSSION_POST_MAX_HTML_BYTES"]:
        raise DiscussionError(
            _("This post is too long or too complex once formatted. Please shorten it or split it in two."),
            "body",
        )
    return text, html


def _checked_reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise DiscussionError(_("Give a reason."), "reason")
    if len(text) > REASON_MAX_CHARS:
        raise DiscussionError(
            _("A reason may be at most %(limit)s characters long.", limit=REASON_MAX_CHARS), "reason"
        )
    return text


# --- posting --------------------------------------------------------------------------------


def _check_rate(author: User) -> None:
    """At most DISCUSSION_POSTS_PER_MINUTE posts a minute and DISCUSSION_POSTS_PER_HOUR an
    hour per account, counted in the database: the limit holds across workers, and a class
    behind one network address is not limited as one person (as a per-address limit would)."""
    config = current_app.config
    now = utcnow()
    for window, limit in (
        (timedelta(minutes=1), config["DISCUSSION_POSTS_PER_MINUTE"]),
        (timedelta(hours=1), config["DISCUSSION_POSTS_PER_HOUR"]),
    ):
        count = db.session.execute(
            select(func.count()).where(Post.author_id == author.id, Post.created_at > now - window)
        ).scalar_one()
        if count >= limit:
            raise PostingTooFast(
                _("You are posting too fast. Please wait a few minutes, then send it again.")
            )


def _held(author: User, moderator: bool) -> bool:
    """Whether a new post waits for approval: DISCUSSION_HOLD_NEW_ACCOUNTS is on, the author
    does not moderate the course, the account is younger than DISCUSSION_NEW_ACCOUNT_DAYS, and
    none of their posts has been published yet."""
    config = current_app.config
    if not config["DISCUSSION_HOLD_NEW_ACCOUNTS"] or moderator:
        return False
    if author.created_at < utcnow() - timedelta(days=config["DISCUSSION_NEW_ACCOUNT_DAYS"]):
        return False
    published = db.session.execute(
        select(Post.id).where(Post.author_id == author.id, Post.status == PostStatus.PUBLISHED).limit(1)
    ).first()
    return published is None


def _add_post(thread: Thread, author: User, text: str, html: str, *, opening: bool, held: bool) -> Post:
    post = Post(
        thread=thread,
        course_id=thread.course_id,
        author_id=author.id,
        opening=opening,
        body=text,
        status=PostStatus.HELD if held else PostStatus.PUBLISHED,
        created_at=utcnow(),
    )
    db.session.add(post)
    db.session.flush()  # the id scopes the HTML's ids
    post.body_html = _scoped_ids(html, post.id)
    if len(post.body_html.encode()) > current_app.config["DISCUSSION_EXCERPT_BYTES"]:
        post.excerpt = _plain_excerpt(post.body_html)
    db.session.flush()
    return post


def start_thread(
    course: Course,
    author: User,
    *,
    module_id: int | None,
    title: str | None,
    body: str | None,
    moderator: bool,
) -> Thread:
    """A new thread with its opening post, in the module's topic (None: the general topic), or
    the author's identical thread of moments ago (a form sent twice). Raises DiscussionError (empty or long title, body refused, unknown module) or PostingTooFast."""
    title = " ".join((title or "").split())
    if not title:
        raise DiscussionError(_("Give the thread a title."), "title")
    if len(title) > TITLE_MAX_CHARS:
        raise DiscussionError(
            _("A title may be at most %(limit)s characters long.", limit=TITLE_MAX_CHARS), "title"
        )
    if module_id is not None and module_id not in {module.id for module in course.modules}:
        raise DiscussionError(_("Choose one of the course's topics."), "topic")
    text, html = _checked_body(body)
    repeated = _repeated(author, text, course_id=course.id, opening=True)
    if repeated is not None and repeated.thread.title == title:
        return repeated.thread
    _check_rate(author)
    held = _held(author, moderator)
    now = utcnow()
    thread = Thread(
        course_id=course.id,
        module_id=module_id,
        author_id=author.id,
        title=title,
        held=held,
        created_at=now,
        last_post_at=now,
    )
    db.session.add(thread)
    _add_post(thread, author, text, html, opening=True, held=held)
    return thread


REPEAT_WINDOW = timedelta(minutes=2)


def _repeated(author: User, text: str, **where) -> Post | None:
    """The author's own identical post sent moments ago (a double click, a resent form), if any."""
    return db.session.execute(
        select(Post)
        .where(Post.author_id == author.id, Post.body == text, Post.created_at > utcnow() - REPEAT_WINDOW)
        .filter_by(**where)
        .order_by(Post.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def reply(thread: Thread, author: User, body: str | None, *, moderator: bool) -> Post:
    """Add a reply, or return the author's identical reply to the thread of moments ago (the same
    form sent twice makes one post). Raises ThreadLocked, DiscussionError (body refused, or a
    thread still held for review) or PostingTooFast. A published reply sends `reply_published`."""
    if thread.locked:
        raise ThreadLocked(_("This thread is locked: it takes no new replies."))
    if thread.held:
        raise DiscussionError(_("This thread is waiting for a trainer's review: it takes no replies yet."))
    text, html = _checked_body(body)
    repeated = _repeated(author, text, thread_id=thread.id, opening=False)
    if repeated is not None:
        return repeated
    _check_rate(author)
    post = _add_post(thread, author, text, html, opening=False, held=_held(author, moderator))
    if post.published:
        thread.last_post_at = post.created_at
        db.session.flush()
        reply_published.send(post, thread=thread)
    return post


def mark_answer(post: Post, user: User, *, moderator: bool) -> None:
    """Make a published reply the thread's answer, or, if it is the answer already, unmark it.
    Only the thread's author or a moderator may (else NotAllowed, a 403 page)."""
    if not (moderator or post.thread.author_id == user.id):
        raise NotAllowed(_("Only the person who asked or a trainer can mark the answer."))
    if post.opening or not post.published:
        raise DiscussionError(_("Only a visible reply can be the answer."))
    thread = post.thread
    unmark = post.is_answer
    db.session.execute(
        update(Post).where(Post.thread_id == thread.id, Post.is_answer.is_(True)).values(is_answer=False)
    )
    db.session.refresh(post)
    post.is_answer = not unmark
    thread.answered = not unmark
    db.session.flush()


def set_pinned(thread: Thread, pinned: bool) -> None:
    thread.pinned = pinned
    db.session.flush()


def set_locked(thread: Thread, locked: bool) -> None:
    if thread.locked != locked:
        thread.locked = locked
        _record(
            audit.Action.DISCUSSION_THREAD_LOCKED if locked else audit.Action.DISCUSSION_THREAD_UNLOCKED,
            thread,
        )
    db.session.flush()


# --- moderation -----------------------------------------------------------------------------


def _record(action, thread: Thread, post: Post | None = None) -> None:
    """Audit entries name ids only: the reason is kept on the post, not in the log."""
    details = {"course": thread.course_id, "thread": thread.id}
    if post is not None:
        details["post"] = post.id
    audit.record(action, subject=post.author_id if post is not None else thread.author_id, details=details)


def _resolve_reports(post: Post, moderator: User, now) -> None:
    db.session.execute(
        update(PostReport)
        .where(PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=moderator.id)
    )


def hide(post: Post, moderator: User, reason: str | None) -> None:
    """Hide a post from the course's participants, with the reason (required); resolves the
    post's open reports. Raises DiscussionError (no reason, too long, already hidden)."""
    reason = _checked_reason(reason, required=True)
    if post.hidden:
        raise DiscussionError(_("This post is already hidden."))
    now = utcnow()
    was_answer = post.is_answer
    post.hide(moderator.id, reason, now)
    if was_answer:
        post.thread.answered = False
    _resolve_reports(post, moderator, now)
    _record(audit.Action.DISCUSSION_POST_HIDDEN, post.thread, post)
    db.session.flush()


def restore(post: Post, moderator: User) -> None:
    if not post.hidden:
        raise DiscussionError(_("This post is not hidden."))
    post.restore(moderator.id, utcnow())
    if post.opening:
        post.thread.held = False
    _record(audit.Action.DISCUSSION_POST_RESTORED, post.thread, post)
    db.session.flush()


def approve(post: Post, moderator: User) -> None:
    """Publish a held post; an approved opening post opens its thread to everyone."""
    if not post.held:
        raise DiscussionError(_("This post is not waiting for review."))
    post.approve(moderator.id, utcnow())
    thread = post.thread
    if post.opening:
        thread.held = False
    else:
        thread.last_post_at = max(thread.last_post_at, post.created_at)
    _record(audit.Action.DISCUSSION_POST_APPROVED, thread, post)
    db.session.flush()
    if not post.opening:
        reply_published.send(post, thread=thread)


def report(post: Post, reporter: User, reason: str | None) -> bool:
    """Ask the course's moderators to look at `post`. Reporting the same post again is harmless
    (False: the first report stands), also when two requests race."""
    reason = _checked_reason(reason, required=True)
    if post.author_id == reporter.id:
        raise DiscussionError(_("You cannot report your own post."))
    if not post.published:
        raise DiscussionError(_("Only a visible post can be reported."))
    inserted = db.session.execute(
        insert_unless_present(PostReport)
        .values(
            post_id=post.id,
            course_id=post.course_id,
            reporter_id=reporter.id,
            reason=reason,
            created_at=utcnow(),
        )
        .returning(PostReport.id)
    ).first()
    return inserted is not None


def dismiss_report(report_row: PostReport, moderator: User) -> None:
    """Close a report without hiding the post."""
    if report_row.resolved_at is None:
        report_row.resolved_at = utcnow()
        report_row.resolved_by_id = moderator.id
        db.session.flush()
