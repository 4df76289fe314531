"""Operations on accounts. They validate, change state and flush; the unit of work commits once
(lms/unit_of_work.py), and mails with links leave after that commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

import pycountry
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import audit
from lms.accounts import sessions
from lms.accounts.models import Gender, ProfileRole, User
from lms.accounts.names import InvalidName, normalise_name
from lms.accounts.passwords import password_problem
from lms.accounts.tokens import make_confirmation_token, make_reset_token
from lms.columns import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.i18n import chosen_language, interface_language
from lms.links import absolute_url
from lms.mail import send_mail
from lms.roles import Role
from lms.unit_of_work import after_commit


class AccountError(DomainError):
    """A rule about accounts was broken; `field` names the form field the message belongs to."""


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
    """The account with this address, or None; an address no account can have (a NUL byte,
    which PostgreSQL refuses in any text) is simply not found, from a form or a command."""
    if "\x00" in email:
        return None
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


@cache
def _dummy_hash() -> str:
    """A real scrypt hash, so that checking an unknown email costs as much as a known one. Made
    on first use, not at import: each worker would otherwise spend its start-up on it."""
    return generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None. Takes the same time whether or not the
    email exists, so the answer does not reveal who has an account."""
    user = find_by_email(email or "")
    if user is None or not user.has_usable_password:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if user.check_password(password or "") else None


def sign_in(user: User, *, remember: bool, user_agent: str | None) -> None:
    """Open a server-side session for `user` (its key becomes `user.get_id()`, which the caller
    hands to Flask-Login's `login_user`). Flushes only."""
    sessions.start(user, remember=remember, user_agent=user_agent)
    user.last_login_at = utcnow()
    if has_request_context() and (user.language is None or chosen_language()):
        user.language = interface_language()  # mail follows the language the site is read in
    audit.record(audit.Action.SIGN_IN, subject=user, actor=user)


def sign_in_refused(email: str, reason: str) -> None:
    """Log a failed sign-in (its page is a 400, which rolls the request back: the entry is
    written all the same). The entry names the account whose address was typed, if there is
    one; what was typed is never stored (it may be a password typed in the wrong field)."""
    user = find_by_email(email or "")
    audit.record(
        audit.Action.SIGN_IN_FAILED,
        subject=user,
        actor=None,
        details={"reason": reason},
        even_if_refused=True,
    )


def sign_out(user: User) -> None:
    """End the session this request was made with, so no copy of its cookies works again."""
    sessions.end(user)
    audit.record(audit.Action.SIGN_OUT, subject=user, actor=user)


def sign_out_everywhere(user: User) -> None:
    sessions.end_all(user)
    audit.record(audit.Action.SIGN_OUT, subject=user, actor=user, details={"everywhere": True})


@dataclass(frozen=True)
class Registration:
    """What a registration did: `user` is the account the mail (sent after the commit) goes to;
    `new` says whether it awaits confirmation (else it already existed)."""

    email: str
    user: User
    new: bool


def register(
    *,
    email: str,
    full_name: str,
    password: str,
    gender: Gender = Gender.UNSTATED,
    country: str | None = None,
    institution: str = "",
    profile_role: ProfileRole = ProfileRole.OTHER,
) -> Registration:
    """Self-registration that tells nobody whether the address already has an account.

    The answer, the page and the work done are the same either way: the input is checked by the
    same rules, the password is hashed (scrypt) in both paths, and one mail is sent once the unit
    of work commits (`send_registration_mail`). A new address gets an account awaiting confirmation; the
    mail links to a page where the person confirms by entering the password they chose, so
    someone who registers another person's address cannot sign in with it, and that person
    cannot be tricked into confirming an account whose password the other one knows. An account
    that never confirmed takes these details and password instead (earlier links stop working),
    so whoever registered the address first cannot keep it from its owner. Any other account is
    left unchanged, and its owner is told that someone tried to register with the address.
    Raises AccountError for input that is invalid whoever owns the address."""
    email = normalise_email(email)
    full_name = checked_name(full_name)
    country = checked_country(country)
    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise AccountError(problem, "password")
    existing = find_by_email(email)
    if existing is not None and not existing.awaiting_confirmation:
        generate_password_hash(password, method="scrypt")  # the same work as the other paths
        registration = Registration(email=email, user=existing, new=False)
        after_commit(send_registration_mail, registration)
        return registration
    user = existing or User(email=email, role=Role.LEARNER, password_hash="")
    user.full_name = full_name
    user.gender = Gender(gender)
    user.country = country
    user.institution = (institution or "").strip()[:200]
    user.profile_role = ProfileRole(profile_role)
    user.awaiting_confirmation = True
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    registration = Registration(email=email, user=user, new=True)
    after_commit(send_registration_mail, registration)
    return registration


def send_registration_mail(registration: Registration) -> None:
    if registration.new:
        send_confirmation_link(registration.user)
    else:
        send_registration_attempt_notice(registration.user)


def send_confirmation_link(user: User, *, whatever_happens: bool = False) -> None:
    """Mail a confirmation link (once the unit of work commits, or `whatever_happens`: also when
    it does not, for a sign-in refused with 400 that asks the person to confirm first)."""
    link = absolute_url("accounts.confirm_email", token=make_confirmation_token(user))
    days = current_app.config["EMAIL_CONFIRMATION_MAX_AGE"] // (24 * 60 * 60)
    body = _(
        "Hello %(name)s,\n\nTo finish creating your account, confirm your email address here and "
        "sign in with the password you chose:\n%(link)s\n\nThe link works once and expires in "
        "%(days)d days. If you did not register, ignore this message: without confirmation the "
        "account cannot be used.\n",
        name=user.full_name,
        link=link,
        days=max(days, 1),
    )
    send_mail(user.email, _("Confirm your email address"), body, after_commit=not whatever_happens)


def send_registration_attempt_notice(user: User) -> None:
    """To the owner of an address someone tried to register again (perhaps they forgot)."""
    body = _(
        "Hello %(name)s,\n\nSomeone tried to create an account with this email address, which "
        "already has one. If it was you, sign in here:\n%(login)s\n\nIf you have forgotten your "
        "password, choose a new one here:\n%(reset)s\n\nIf it was not you, you can ignore this "
        "message: nothing has changed.\n",
        name=user.full_name,
        login=absolute_url("accounts.login"),
        reset=absolute_url("accounts.forgot_password"),
    )
    send_mail(user.email, _("Someone tried to register with your email address"), body)


def confirm_email(user: User, password: str) -> None:
    """Confirm an account awaiting it: the person proves they chose its password. Raises
    AccountError. Earlier confirmation and reset links stop working. Flushes only."""
    if not user.check_password(password or ""):
        raise AccountError(_("This is not the password chosen at registration."), "password")
    user.awaiting_confirmation = False
    user.session_token = secrets.token_hex(16)
    db.session.flush()


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
    """Change the signed-in person's password; every other session of theirs ends."""
    if not user.check_password(current):
        raise AccountError(_("Your current password is not correct."), "current_password")
    _set_checked_password(user, new)
    sessions.end_all(user, keep_current=True)
    audit.record(audit.Action.PASSWORD_CHANGED, subject=user, actor=user)


def set_password(user: User, new: str) -> None:
    """Set a password from a reset or set-password link (the link has been checked). Every
    session of the account ends; the link also proves the address, so it counts as confirmed."""
    _set_checked_password(user, new)
    user.awaiting_confirmation = False
    sessions.end_all(user)
    audit.record(audit.Action.PASSWORD_RESET, subject=user, actor=user)


def send_password_link(user: User) -> None:
    """Email a signed link to choose a new password (a cohort's new accounts get an invitation
    instead: lms.enrolment.cohort.send_invitation)."""
    link = absolute_url("accounts.reset_password", token=make_reset_token(user))
    body = _(
        "Hello %(name)s,\n\nSomeone asked to reset the password of your account. If it was "
        "you, choose a new password here:\n%(link)s\n\nThe link works once and expires in an "
        "hour. If it was not you, ignore this message.\n",
        name=user.full_name,
        link=link,
    )
    send_mail(user.email, _("Reset your password"), body)


def request_password_reset(email: str) -> None:
    """Send a reset link (once the unit of work commits) if an active account has this email;
    say nothing either way."""
    user = find_by_email(email or "")
    if user is not None and user.active:
        after_commit(send_password_link, user)


def set_role(user: User, role: Role, *, actor: User | None = None) -> None:
    if actor is not None and actor.id == user.id and Role(role) != Role(user.role):
        raise AccountError(_("You cannot change your own role; ask another administrator."), "role")
    before = Role(user.role)
    user.role = Role(role)
    if before != user.role:
        audit.record(
            audit.Action.ROLE_CHANGED,
            subject=user,
            details={"from": before.value, "to": user.role.value},
            actor=actor,
        )


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    """Deactivation also ends every session of the account at once."""
    if actor is not None and actor.id == user.id and not active:
        raise AccountError(_("You cannot deactivate your own account."), "active")
    changed = user.active != active
    user.active = active
    if not active:
        sessions.end_all(user)
    if changed:
        action = audit.Action.ACCOUNT_ACTIVATED if active else audit.Action.ACCOUNT_DEACTIVATED
        audit.record(action, subject=user, actor=actor)
