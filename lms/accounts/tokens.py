"""Signed, expiring, single-use links for setting a password.

The token carries the user id and the account's current session token. Setting a password
rotates the session token, so a link works once; `max_age` makes it expire.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.accounts.models import User
from lms.extensions import db

SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_reset_token(user: User) -> str:
    return _serializer().dumps([user.id, user.session_token])


def user_for_reset_token(token: str, max_age: int | None = None) -> User | None:
    """The account the token was made for, or None if it is forged, expired or already used."""
    if max_age is None:
        max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        user_id, session_token = _serializer().loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_token != session_token:
        return None
    return user
