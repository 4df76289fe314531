"""Signed, expiring, single-use links: to set a password, and to confirm a new account's email.

A token carries the user id and the account's current `session_token`. Setting a password or
confirming the address rotates it, so a link works once; `max_age` makes it expire. Each kind of
link has its own salt, so one cannot be used as the other. An invitation (a new account made by
a cohort upload) is a set-password link too, with its own salt and a longer life
(`INVITATION_MAX_AGE` days against `PASSWORD_RESET_MAX_AGE` seconds): `user_for_reset_token`
is the one place that knows both rules.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.accounts.models import User
from lms.extensions import db

RESET_SALT = "password-reset"
CONFIRMATION_SALT = "email-confirmation"
INVITATION_SALT = "invitation"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _make(user: User, salt: str) -> str:
    return _serializer(salt).dumps([user.id, user.session_token])


def _user_for(token: str, salt: str, max_age: int) -> User | None:
    try:
        user_id, session_token = _serializer(salt).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_token != session_token:
        return None
    return user


def make_reset_token(user: User) -> str:
    return _make(user, RESET_SALT)


def make_invitation_token(user: User) -> str:
    return _make(user, INVITATION_SALT)


def invitation_max_age() -> int:
    """Seconds an invitation's set-password link lasts (INVITATION_MAX_AGE is in days)."""
    return int(current_app.config["INVITATION_MAX_AGE"]) * 24 * 60 * 60


def user_for_reset_token(token: str, max_age: int | None = None) -> User | None:
    """The account a set-password link (a reset or an invitation) was made for, or None if it
    is forged, expired or already used."""
    if max_age is None:
        max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    return _user_for(token, RESET_SALT, max_age) or _user_for(token, INVITATION_SALT, invitation_max_age())


def make_confirmation_token(user: User) -> str:
    return _make(user, CONFIRMATION_SALT)


def user_for_confirmation_token(token: str) -> User | None:
    """The account still awaiting confirmation that the token was made for, or None."""
    user = _user_for(token, CONFIRMATION_SALT, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    return user if user is not None and user.awaiting_confirmation else None
