"""The access matrix: what each role gets from every route.

Each module here describes its domain's routes as `ROUTES` and may add the objects they need to
the shared world with `build(world)`. `tests/test_access_matrix.py` fails when a route of the
application is missing from every module, so new routes must join the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "learner", "trainer", "admin")

# Shorthands for the usual patterns: what anonymous, learner, trainer and admin get.
PUBLIC = dict(anonymous=200, learner=200, trainer=200, admin=200)
SIGNED_IN = dict(anonymous=302, learner=200, trainer=200, admin=200)
TRAINERS = dict(anonymous=302, learner=403, trainer=200, admin=200)
ADMINS = dict(anonymous=302, learner=403, trainer=403, admin=200)


@dataclass
class Route:
    endpoint: str
    url: Callable  # world -> str
    expected: dict
    method: str = "GET"
    data: Callable | None = None  # world -> dict of form fields (a CSRF token is added)
    note: str = field(default="")
