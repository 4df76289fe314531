"""Operations on accounts. They validate, change state and flush; the caller commits once."""

from __future__ import annotations

from functools import cache

import pycountry
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.accounts.models import Gender, ProfileRole, User
from lms.accounts.names import InvalidName, normalise_name
from lms.accounts.passwords import password_problem
from lms.accounts.tokens import make_reset_token
from lms.columns import utcnow
from lms.extensions import db
from lms.links import absolute_url
from lms.mail import send_mail
from lms.roles import Role


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(raw: str) -> str:
    """Syntax-check an address and return it lower-cased, the form in which it is stored."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(
            _("Enter a valid email address (%(reason)s).", reason=str(error)), "email"
        ) from None
    return result.normalized.lower()


def checked_name(raw: str) -> str:
    try:
        return normalise_name(raw)
    except InvalidName as error:
        raise AccountError(str(error), "full_name") from None


@cache
def country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def checked_country(code: str | None) -> str | None:
    if not code:
        return None
    code = code.upper()
    if code not in country_codes():
        raise AccountError(_("Choose a country from the list."), "country")
    return code


def find_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()


def email_taken(email: str) -> bool:
    return db.session.execute(select(func.count()).where(User.email == email)).scalar_one() > 0


def create_user(
    *,
    email: str,
    full_name: str,
    password: str | None,
    role: Role = Role.LEARNER,
    gender: Gender = Gender.UNSTATED,
    country: str | None = None,
    institution: str = "",
    profile_role: ProfileRole = ProfileRole.OTHER,
) -> User:
    """Create an account. With `password=None` the account cannot log in until a
    set-password link is used (cohort enrolment). Raises AccountError."""
    email = normalise_email(email)
    full_name = checked_name(full_name)
    country = checked_country(country)
    if email_taken(email):
        raise AccountError(_("An account with this email address already exists."), "email")
    user = User(
        email=email,
        full_name=full_name,
        role=Role(role),
        gender=Gender(gender),
        country=country,
        institution=(institution or "").strip()[:200],
        profile_role=ProfileRole(profile_role),
        password_hash="",
    )
    if password is not None:
        _set_checked_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def _set_checked_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, name=user.full_name)
    if problem:
        raise AccountError(problem, "password")
    user.set_password(password)


# A real scrypt hash, so that checking an unknown email costs as much as a known one.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None. Takes the same time whether or not the
    email exists, so the answer does not reveal who has an account."""
    user = find_by_email(email or "")
    if user is None or not user.has_usable_password:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password or "") else None


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


def update_profile(
    user: User,
    *,
    full_name: str,
    gender: Gender,
    country: str | None,
    institution: str,
    profile_role: ProfileRole,
) -> None:
    user.full_name = checked_name(full_name)
    user.country = checked_country(country)
    user.gender = Gender(gender)
    user.institution = (institution or "").strip()[:200]
    user.profile_role = ProfileRole(profile_role)


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("Your current password is not correct."), "current_password")
    _set_checked_password(user, new)


def set_password(user: User, new: str) -> None:
    """Set a password from a reset or set-password link (the link has been checked)."""
    _set_checked_password(user, new)


def send_password_link(user: User, *, welcome: bool = False) -> None:
    """Email a signed link to set a password: for a forgotten one, or a new cohort account."""
    link = absolute_url("accounts.reset_password", token=make_reset_token(user))
    if welcome:
        subject = _("Your account on the learning platform")
        body = _(
            "Hello %(name)s,\n\nAn account has been created for you. Choose your password here:\n"
            "%(link)s\n\nThe link works once.\n",
            name=user.full_name,
            link=link,
        )
    else:
        subject = _("Reset your password")
        body = _(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your account. If it was "
            "you, choose a new password here:\n%(link)s\n\nThe link works once and expires in an "
            "hour. If it was not you, ignore this message.\n",
            name=user.full_name,
            link=link,
        )
    send_mail(user.email, subject, body)


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account has this email; say nothing either way."""
    user = find_by_email(email or "")
    if user is not None and user.active:
        send_password_link(user)


def set_role(user: User, role: Role, *, actor: User | None = None) -> None:
    if actor is not None and actor.id == user.id and Role(role) != Role(user.role):
        raise AccountError(_("You cannot change your own role; ask another administrator."), "role")
    user.role = Role(role)


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    if actor is not None and actor.id == user.id and not active:
        raise AccountError(_("You cannot deactivate your own account."), "active")
    user.active = active
