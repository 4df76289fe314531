"""Small factories for test data. Passwords use a cheap hash so tests stay fast."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from lms.accounts.models import Gender, ProfileRole, User
from lms.extensions import db
from lms.policy import Role

DEFAULT_PASSWORD = "a long test passphrase"
_CHEAP_HASH = generate_password_hash(DEFAULT_PASSWORD, method="pbkdf2:sha256:1000")
_sequence = itertools.count(1)


def make_user(**kwargs) -> User:
    n = next(_sequence)
    password = kwargs.pop("password", None)
    user = User(
        email=kwargs.pop("email", f"person{n}@example.org").lower(),
        full_name=kwargs.pop("full_name", f"Person {n}"),
        role=Role(kwargs.pop("role", Role.LEARNER)),
        gender=Gender(kwargs.pop("gender", Gender.WOMAN)),
        country=kwargs.pop("country", "KE"),
        institution=kwargs.pop("institution", "University of Nairobi"),
        profile_role=ProfileRole(kwargs.pop("profile_role", ProfileRole.FACULTY)),
        password_hash=_CHEAP_HASH,
        **kwargs,
    )
    if password is not None:
        user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    db.session.add(user)
    db.session.flush()
    return user
