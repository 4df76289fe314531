"""Sign-in sessions, kept on the server so that signing out really ends them.

Flask's session cookie is signed, not stored: if the cookie alone decided, a copy taken while
signed in would still open every page after sign-out. So each sign-in creates a `SignInSession`
with a random key; the session cookie and the remember-me cookie carry only that key (it is what
`User.get_id` returns), and the user loader accepts a cookie only while its row exists, has not
expired and its account is active, in one SQL statement. Signing out, "sign out everywhere", a
password change or reset and deactivation delete rows. The table stores the key's SHA-256, so a
copy of the database holds no usable key.

A session without "keep me signed in" ends after SESSION_IDLE_TIMEOUT without a request; a
remembered one lasts REMEMBER_COOKIE_DURATION from sign-in, like its cookie. `last_seen_at` is
written at most every TOUCH_INTERVAL, after a successful response, so reading pages does not
turn every request into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g
from sqlalchemy import ForeignKey, String, bindparam, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from lms.accounts import devices
from lms.accounts.models import User
from lms.columns import utcnow
from lms.database import is_unavailable
from lms.extensions import db
from lms.i18n import chosen_language
from lms.unit_of_work import unit_of_work

TOUCH_INTERVAL = timedelta(minutes=5)
MAX_KEY_LENGTH = 100  # keys are 43 characters; anything much longer is not one of ours


class SignInSession(db.Model):
    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    browser: Mapped[str] = mapped_column(String(60), default="")
    system: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} of user {self.user_id}>"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _seconds(setting) -> timedelta:
    return setting if isinstance(setting, timedelta) else timedelta(seconds=int(setting))


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return _seconds(config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_IDLE_TIMEOUT"])


def start(user: User, *, remember: bool, user_agent: str | None) -> str:
    """Open a session for `user` and return its key, which `user.get_id()` now gives to Flask-Login.
    Also forgets the person's expired sessions. Flushes only."""
    now = utcnow()
    db.session.execute(
        delete(SignInSession).where(SignInSession.user_id == user.id, SignInSession.expires_at <= now)
    )
    key = secrets.token_urlsafe(32)
    browser, system = devices.describe(user_agent)
    sign_in = SignInSession(
        key_hash=_digest(key),
        user_id=user.id,
        remember=remember,
        browser=browser,
        system=system,
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(remember),
    )
    db.session.add(sign_in)
    db.session.flush()
    _attach(user, key, sign_in.id, now, remember)
    return key


# Built once: every signed-in request runs it, and building a select() costs more than running it.
_LOAD = (
    select(User, SignInSession.id, SignInSession.last_seen_at, SignInSession.remember)
    .join(SignInSession, SignInSession.user_id == User.id)
    .where(
        SignInSession.key_hash == bindparam("key_hash"),
        SignInSession.expires_at > bindparam("now"),
        User.active.is_(True),
    )
)


def load(key: str | None) -> User | None:
    """The Flask-Login user loader: the active account whose live session has this key, or None.
    One SQL statement."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    row = db.session.execute(_LOAD, {"key_hash": _digest(key), "now": utcnow()}).first()
    if row is None:
        return None
    user, session_id, last_seen_at, remember = row
    _attach(user, key, session_id, last_seen_at, remember)
    return user


def _attach(user: User, key: str, session_id: int, last_seen_at: datetime, remember: bool) -> None:
    user.sign_in_key = key
    user.sign_in_id = session_id
    g.sign_in_activity = (session_id, last_seen_at, remember)


def end(user: User) -> None:
    """End the session this request was made with (sign-out). Flushes only."""
    if user.sign_in_id is not None:
        db.session.execute(delete(SignInSession).where(SignInSession.id == user.sign_in_id))
    g.pop("sign_in_activity", None)


def end_all(user: User, *, keep_current: bool = False) -> None:
    """End every session of `user` (sign out everywhere, deactivation, new password), or every
    other one with `keep_current`. Flushes only."""
    statement = delete(SignInSession).where(SignInSession.user_id == user.id)
    if keep_current and user.sign_in_id is not None:
        statement = statement.where(SignInSession.id != user.sign_in_id)
    else:
        g.pop("sign_in_activity", None)
    db.session.execute(statement)


def end_other(user: User, session_id: int) -> bool:
    """End one of `user`'s own sessions by its id; False if `user` has no such session (someone
    else's id included). Flushes only."""
    result = db.session.execute(
        delete(SignInSession).where(SignInSession.id == session_id, SignInSession.user_id == user.id)
    )
    return result.rowcount == 1


def live_sessions(user: User) -> list[SignInSession]:
    """The person's sessions that have not expired, most recently used first."""
    return list(
        db.session.execute(
            select(SignInSession)
            .where(SignInSession.user_id == user.id, SignInSession.expires_at > utcnow())
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        ).scalars()
    )


def note_activity(response: Response) -> Response:
    """After a successful response, move the session's last-seen time (and, for a session that is
    not remembered, its idle expiry) forward, at most every TOUCH_INTERVAL. A failed response may
    have left work half done that must not be committed, so it writes nothing."""
    activity = g.pop("sign_in_activity", None)
    if activity is None or response.status_code >= 400:
        return response
    session_id, last_seen_at, remember = activity
    now = utcnow()
    if now - last_seen_at < TOUCH_INTERVAL:
        return response
    values = {"last_seen_at": now}
    if not remember:
        values["expires_at"] = now + _lifetime(False)
    try:
        with unit_of_work():  # its own, after the request's: the page is made whether or not this works
            db.session.execute(update(SignInSession).where(SignInSession.id == session_id).values(**values))
    except SQLAlchemyError as error:
        # The unit rolled back; the touch can wait for a later request (a locked SQLite file, a
        # database that went away after the view ran). Anything else is a bug.
        if not is_unavailable(error):
            raise
    return response


def note_language(response: Response) -> Response:
    """Remember the interface language a signed-in person chose (the language form's cookie) on
    their account, since mail to them leaves from tasks that have no cookie to read. Done after
    a successful response of a request that loaded the user anyway, in its own unit of work:
    choosing a language itself reads nothing from the database (it works during an outage)."""
    user = g.get("_login_user")
    if user is None or not user.is_authenticated or response.status_code >= 400:
        return response
    chosen = chosen_language()
    if chosen is None or chosen == user.language:
        return response
    try:
        with unit_of_work():
            db.session.execute(update(User).where(User.id == user.id).values(language=chosen))
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
    return response


def init_app(app: Flask) -> None:
    app.after_request(note_activity)
    app.after_request(note_language)
