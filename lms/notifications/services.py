"""Telling people things: `notify` records a notification in the site and mails it (now, in a
weekly digest, or never, as the person chose for its kind), in the person's language, with a
one-click unsubscribe link (RFC 8058). Functions flush; the caller's unit of work commits and
the mail leaves after it (lms.mail). Tasks: `lms.notifications.remind` (daily) and
`lms.notifications.digest` (weekly), also run by `flask notifications remind|digest`.

Higher layers call `notify` (enrolment, certificates, announcements, discussions) and add
reminder rules to REMINDER_RULES (learning); this package imports only accounts and the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, select, update

from lms import queue
from lms.accounts.models import User
from lms.columns import utcnow
from lms.database import insert_unless_present
from lms.extensions import db
from lms.i18n import speaking
from lms.inputs import one_line
from lms.links import absolute_url
from lms.mail import bounce_of, send_mail
from lms.notifications.models import Kind, Mode, Notification, NotificationPreference
from lms.unit_of_work import after_commit, in_unit_of_work, unit_of_work

PAGE_SIZE = 50  # the notifications page lists the last 50
DIGEST_ITEMS = 50  # a digest lists at most this many, then says how many more there are
REMINDER_INTERVAL = timedelta(days=7)  # at most one reminder per person in this time
UNSUBSCRIBE_SALT = "unsubscribe"
DIGEST = "digest"  # the unsubscribe "kind" of a digest mail: every weekly kind becomes never

KIND_LABELS = {
    Kind.ENROLMENT: _l("Welcome to a course"),
    Kind.ANNOUNCEMENT: _l("Announcements in your courses"),
    Kind.REPLY: _l("Replies to your discussions"),
    Kind.CERTIFICATE: _l("Certificates"),
    Kind.REMINDER: _l("Reminders: inactivity and coming due dates"),
    Kind.HUB: _l("Your contributions to the knowledge hub"),
}
MODE_LABELS = {
    Mode.IMMEDIATELY: _l("Email me at once"),
    Mode.WEEKLY: _l("Weekly digest"),
    Mode.NEVER: _l("No email (only on the notifications page)"),
}


# --- preferences ------------------------------------------------------------------------------


def preferences(user_id: int) -> dict[Kind, Mode]:
    """Every kind with the person's mode (immediately unless they chose otherwise)."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: Mode(chosen.get(kind, Mode.IMMEDIATELY)) for kind in Kind}


def set_preference(user_id: int, kind: Kind, mode: Mode) -> None:
    """Flushes only. Safe when two requests set it at once (the row is inserted once)."""
    kind, mode = Kind(kind), Mode(mode)
    db.session.execute(
        insert_unless_present(NotificationPreference).values(user_id=user_id, kind=kind, mode=mode)
    )
    db.session.execute(
        update(NotificationPreference)
        .where(NotificationPreference.user_id == user_id, NotificationPreference.kind == kind)
        .values(mode=mode)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def mail_stopped(user: User) -> bool:
    """Whether nothing may be mailed to this person: inactive, withdrawn, or their address bounced."""
    return not user.active or user.withdrawn or bounce_of(user.email) is not None


# --- unsubscribe links --------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A link's token that stops one kind of mail for one person. It does not expire (a mail
    read months later must still work) and needs no session (RFC 8058 one-click)."""
    return _serializer().dumps([user_id, str(kind)])


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind (a Kind value or DIGEST) of a token, or None if forged, unknown or
    of an erased account."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in {*Kind, DIGEST}:
        return None
    user = db.session.get(User, user_id)
    # An erased account's old links are dead: unsubscribing would write a preference row again
    # for a person whose data was removed (and nothing is mailed to them anyway).
    return (user, kind) if user is not None and not user.withdrawn else None


def unsubscribe(user: User, kind: str) -> None:
    """Stop mail of `kind` (or, for DIGEST, every kind now sent weekly). Flushes only."""
    if kind == DIGEST:
        for each, mode in preferences(user.id).items():
            if mode is Mode.WEEKLY:
                set_preference(user.id, each, Mode.NEVER)
    else:
        set_preference(user.id, Kind(kind), Mode.NEVER)


def _unsubscribe_url(user: User, kind: str) -> str:
    return absolute_url("notifications.unsubscribe", token=unsubscribe_token(user.id, kind))


def _footer(user: User, kind: str) -> str:
    return _(
        "You receive this email because of your notification settings. Change them here:\n%(settings)s\n"
        "Stop emails like this one:\n%(unsubscribe)s\n",
        settings=absolute_url("notifications.preferences"),
        unsubscribe=_unsubscribe_url(user, kind),
    )


def _mail(user: User, kind: str, subject: str, body: str) -> None:
    """Queue a notification mail (after the commit) with its RFC 8058 unsubscribe headers."""
    headers = {
        "List-Unsubscribe": f"<{_unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    when_committed(send_mail, user.email, subject, f"{body}\n\n-- \n{_footer(user, kind)}", headers=headers)


def when_committed(callback: Callable, /, *args, **kwargs) -> None:
    """Run `callback(*args, after_commit=False, **kwargs)` (send_mail, queue.enqueue) once the
    running unit of work commits; outside one (a service called from a shell or a test), once
    the session commits. Never if it rolls back; and never while the writes it would read hold
    the database (an eagerly run task would wait on SQLite's lock)."""
    if in_unit_of_work():
        after_commit(callback, *args, after_commit=False, **kwargs)
        return
    state = {"armed": True, "committed": False}

    def committed(_session) -> None:
        state["committed"] = True

    def ended(_session, transaction) -> None:
        if transaction.parent is not None:  # a SAVEPOINT's: only the outermost commit counts
            state["committed"] = False
        elif state["armed"]:
            state["armed"] = False
            if state["committed"]:
                callback(*args, after_commit=False, **kwargs)

    session = db.session()
    event.listen(session, "after_commit", committed)
    event.listen(session, "after_transaction_end", ended)


# --- notify -------------------------------------------------------------------------------------


def notify(
    user: User,
    kind: Kind,
    key: str,
    subject,
    text="",
    link: str | None = None,
    *,
    email: bool = True,
    language: str | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Tell `user` something once: the notification is stored for the notifications page and,
    if they want this kind at once and mail reaches them, mailed after the commit. `subject`
    and `text` may be lazy strings (`_l("...", name=...)`) or functions returning text (for
    dates and numbers): they are rendered in the person's language. `key` names what it is about (e.g. f"reply:{post.id}"); a second call with the
    same key for the same person does nothing and returns None (also under concurrent calls).
    `email=False` records it without mail (the person was mailed otherwise); `language` is that of
    subject and text when they are course text, for the notifications page. Flushes only."""
    kind = Kind(kind)
    with speaking(user.language):
        # No NUL (PostgreSQL stores none; one title with it would fail a whole batch of learners).
        subject_text = one_line(_render(subject))[:300]
        body = _render(text).replace("\x00", "")
    now = now or utcnow()
    inserted = db.session.execute(
        insert_unless_present(Notification)
        .values(
            user_id=user.id,
            kind=kind,
            key=key[:200],
            subject=subject_text,
            text=body,
            link=link,
            language=language,
            created_at=now,
        )
        .returning(Notification.id)  # no row when the key was there (rowcount is -1 on PostgreSQL)
    ).scalar_one_or_none()
    if inserted is None:
        return None
    notification = db.session.get(Notification, inserted)
    if email and not mail_stopped(user) and preferences(user.id)[kind] is Mode.IMMEDIATELY:
        with speaking(user.language):
            _mail(user, kind, subject_text, _with_link(body, link))
        notification.emailed_at = now
    db.session.flush()
    return notification


def _render(text) -> str:
    return str(text() if callable(text) else text)


def _with_link(text: str, link: str | None) -> str:
    return f"{text}\n\n{link}" if link else text


def latest(user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- weekly digest -----------------------------------------------------------------------------


def digest_recipients() -> list[int]:
    """People with notifications waiting for a digest: not mailed, not digested, of a kind
    they chose to receive weekly."""
    return list(
        db.session.execute(
            select(Notification.user_id)
            .join(
                NotificationPreference,
                (NotificationPreference.user_id == Notification.user_id)
                & (NotificationPreference.kind == Notification.kind),
            )
            .where(
                NotificationPreference.mode == Mode.WEEKLY,
                Notification.emailed_at.is_(None),
                Notification.digested_at.is_(None),
            )
            .distinct()
            .order_by(Notification.user_id)
        ).scalars()
    )


def send_digest(user: User, now: datetime | None = None) -> int:
    """Mail `user` one digest of their waiting weekly notifications and mark them digested;
    returns how many it lists (0: nothing sent). Flushes only."""
    weekly = [kind for kind, mode in preferences(user.id).items() if mode is Mode.WEEKLY]
    if not weekly or mail_stopped(user):
        return 0
    stamp = now or utcnow()
    # Claim the waiting notifications before mailing them: a second run at the same moment (beat
    # twice, a retried task) waits on the claimed rows' locks, then finds none left to claim and
    # sends nothing. Reading them first, then stamping, let both runs mail the same digest.
    claimed = (
        db.session.execute(
            update(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.kind.in_(weekly),
                Notification.emailed_at.is_(None),
                Notification.digested_at.is_(None),
            )
            .values(digested_at=stamp)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    if not claimed:
        return 0
    waiting = list(
        db.session.execute(
            select(Notification)
            .where(Notification.id.in_(claimed))
            .order_by(Notification.created_at, Notification.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )
    with speaking(user.language):
        lines = [_("Hello %(name)s,", name=user.full_name), ""]
        for notification in waiting[:DIGEST_ITEMS]:
            lines.append(f"* {notification.subject}")
            if notification.link:
                lines.append(f"  {notification.link}")
        if len(waiting) > DIGEST_ITEMS:
            lines += ["", _("And %(count)d more.", count=len(waiting) - DIGEST_ITEMS)]
        lines += ["", _("All your notifications:"), absolute_url("notifications.index")]
        subject = _("Your weekly digest: %(count)d notifications", count=len(waiting))
        _mail(user, DIGEST, subject, "\n".join(lines))
    return len(waiting)


def send_digests(now: datetime | None = None) -> int:
    """One digest per person, each in its own unit of work (a failure leaves the others sent);
    a repeated run sends nothing twice. Returns how many mails left."""
    sent = 0
    for user_id in digest_recipients():
        with unit_of_work():
            user = db.session.get(User, user_id)
            sent += bool(user is not None and send_digest(user, now))
    return sent


# --- reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """What a reminder rule proposes: `key` names the rule, course and due item, so each is
    sent once; `subject` and `text` are lazy strings, rendered in the learner's language."""

    user_id: int
    key: str
    subject: object
    text: object
    link: str | None = None


# name -> rule(now) giving the reminders due now. Higher layers add theirs (lms.learning).
REMINDER_RULES: dict[str, Callable[[datetime], Iterable[Reminder]]] = {}


def add_reminder_rule(name: str, rule: Callable[[datetime], Iterable[Reminder]]) -> None:
    REMINDER_RULES[name] = rule


def send_reminders(now: datetime | None = None) -> int:
    """Run every rule; each proposed reminder is sent once (its key), and nobody gets more than
    one reminder in REMINDER_INTERVAL (a skipped one is proposed again next time if still
    due). Flushes only; returns how many were sent."""
    now = now or utcnow()
    reminded = set(
        db.session.execute(
            select(Notification.user_id).where(
                Notification.kind == Kind.REMINDER, Notification.created_at > now - REMINDER_INTERVAL
            )
        ).scalars()
    )
    sent = 0
    for rule in list(REMINDER_RULES.values()):
        for reminder in rule(now):
            if reminder.user_id in reminded:
                continue
            user = db.session.get(User, reminder.user_id)
            if user is None or not user.active or user.withdrawn:
                continue
            made = notify(
                user, Kind.REMINDER, reminder.key, reminder.subject, reminder.text, reminder.link, now=now
            )
            if made is not None:
                reminded.add(user.id)
                sent += 1
    return sent


@queue.task("lms.notifications.remind")
def remind() -> int:
    """Daily (celery beat): the reminders due now."""
    with unit_of_work():
        return send_reminders()


@queue.task("lms.notifications.digest")
def digest() -> int:
    """Weekly (celery beat): everybody's digest."""
    return send_digests()
