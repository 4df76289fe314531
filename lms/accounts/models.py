"""People who use the platform and the participation profile the centre reports on."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String, false, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from lms.columns import enum_column, utcnow
from lms.extensions import db
from lms.roles import Role


class Gender(enum.StrEnum):
    WOMAN = "woman"
    MAN = "man"
    ANOTHER = "another"
    UNSTATED = "unstated"


class ProfileRole(enum.StrEnum):
    FACULTY = "faculty"
    LEADER = "leader-administrator"
    POLICY_MAKER = "policy-maker"
    OTHER = "other"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, default=Role.LEARNER, index=True)
    active: Mapped[bool] = mapped_column(default=True)
    gender: Mapped[Gender] = enum_column(Gender, default=Gender.UNSTATED, index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    institution: Mapped[str] = mapped_column(String(200), default="")
    profile_role: Mapped[ProfileRole] = enum_column(ProfileRole, default=ProfileRole.OTHER)
    # Changes whenever the password does, and on confirmation: emailed links made before stop working.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    # Registered but the email address not yet confirmed: cannot sign in (see services.register).
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_login_at: Mapped[datetime | None]
    # Set when the person's personal data was erased on their request (lms/privacy): the row
    # stays, with only the participation profile and dates, so statistics stay true.
    withdrawn_at: Mapped[datetime | None]
    # The interface language the person last chose (or signed in with): mail to them is written
    # in it, since it leaves from a task that has no request to read a cookie from.
    language: Mapped[str | None] = mapped_column(String(8))

    # The sign-in session this request was made with, set by lms.accounts.sessions (not stored).
    sign_in_key = None
    sign_in_id = None

    # Identity, as for any model: UserMixin would compare get_id(), which is a session key here.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    # Flask-Login uses these two.
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session and remember-me cookies carry: the key of a server-side sign-in
        session (lms.accounts.sessions), so that ending the session ends every copy of them."""
        if self.sign_in_key is None:
            raise RuntimeError("No sign-in session: call lms.accounts.sessions.start() before login_user().")
        return self.sign_in_key

    def set_password(self, password: str) -> None:
        """Hash with scrypt; pending reset links stop working. Sessions are ended by the service."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_usable_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
