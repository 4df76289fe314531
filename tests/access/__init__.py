"""The access matrix: what each kind of visitor gets from every route and method.

Each module here lists its domain's requests as `ROUTES` and may add the objects they need to
the shared world with `build(world)`. `tests/test_access_matrix.py` builds the world once,
signs every column in once, and answers each request in a transaction that is rolled back, so
every cell starts from the same world: a POST may really change things. It fails when a URL
rule or one of its methods has no request here, naming what to add.

The columns (users made by `build_base`):

    anonymous      no session at all
    enrolled       a learner enrolled in `open`
    not_enrolled   a learner enrolled in nothing
    trainer        a trainer assigned to `open`
    other_trainer  a trainer assigned only to `hidden`, an unpublished course
    admin          an administrator
    editor         a learner (faculty) whom an administrator made a hub editor: a capability of
                   the hub only, so everywhere else they get what `not_enrolled` gets
    inactive       an administrator who signed in and was then deactivated: the session they
                   hold must be worth nothing (they get what anonymous gets)

A cell is the status code expected, or `LOGIN` for a redirect to the sign-in page.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

ROLES = ("anonymous", "enrolled", "not_enrolled", "trainer", "other_trainer", "admin", "editor", "inactive")

LOGIN = "login"  # 302 to /login?next=...


def cells(
    anonymous, learner, trainer, admin, *, not_enrolled=None, other_trainer=None, inactive=None, editor=None
) -> dict:
    """The expected outcome per column. Unless given, `not_enrolled` gets what the enrolled
    `learner` gets, `other_trainer` what `trainer` gets, `editor` what `not_enrolled` gets and
    `inactive` what `anonymous` gets."""
    not_enrolled = learner if not_enrolled is None else not_enrolled
    return {
        "anonymous": anonymous,
        "enrolled": learner,
        "not_enrolled": not_enrolled,
        "trainer": trainer,
        "other_trainer": trainer if other_trainer is None else other_trainer,
        "admin": admin,
        "editor": not_enrolled if editor is None else editor,
        "inactive": anonymous if inactive is None else inactive,
    }


# POSTs that work without a CSRF token, on purpose. RFC 8058 one-click unsubscribe, which a mail
# client sends with no session; the signed token in its URL is what authorises it (a forged or
# altered one is 404 with nothing written: tests/notifications/test_unsubscribe.py,
# tests/hub/test_newsletters.py). And POSTs that a protocol makes a read, sent by clients that
# have no session and so no token (OAI-PMH harvesters may POST their requests), changing nothing.
CSRF_EXEMPT = frozenset({"notifications.unsubscribe_now", "hub.oai", "newsletters.unsubscribe_now"})

# The usual patterns.
PUBLIC = cells(200, 200, 200, 200)
SIGNED_IN = cells(LOGIN, 200, 200, 200)
TRAINERS = cells(LOGIN, 403, 200, 200)
ADMINS = cells(LOGIN, 403, 403, 200)
ADMIN_ACTION = cells(LOGIN, 403, 403, 302)  # a POST that admins complete with a redirect
ANONYMOUS_ONLY = cells(200, 302, 302, 302)  # sign-in and registration pages


@dataclass
class Route:
    """One request: `url` and `data` are values or functions of the world (for ids).

    `data` holds the form fields of a POST (the column's CSRF token is added unless `csrf` is
    False); give a function when it holds files, which are read once."""

    endpoint: str
    url: str | Callable
    expected: dict
    method: str = "GET"
    data: dict | Callable | None = None
    note: str = field(default="")

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expected)
        assert not missing, f"{self.endpoint} {self.method}: no expectation for {sorted(missing)}"

    def url_for(self, world) -> str:
        return self.url(world) if callable(self.url) else self.url

    def form(self, world) -> dict:
        data = self.data(world) if callable(self.data) else self.data
        return dict(data or {})

    @property
    def name(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" ({self.note})" if self.note else "")


def post(endpoint: str, url, expected: dict, data=None, note: str = "") -> Route:
    return Route(endpoint, url, expected, method="POST", data=data, note=note)


def build_base(world) -> None:
    """The users of the columns and the two courses their relations are defined by."""
    from lms.courses.models import CourseTrainer
    from lms.extensions import db
    from lms.hub.submissions import HubEditor
    from lms.roles import Role
    from tests import factories

    world.enrolled = factories.make_user(role=Role.LEARNER, full_name="Enrolled Learner")
    world.not_enrolled = factories.make_user(role=Role.LEARNER, full_name="Other Learner")
    world.trainer = factories.make_user(role=Role.TRAINER, full_name="Course Trainer")
    world.other_trainer = factories.make_user(role=Role.TRAINER, full_name="Other Trainer")
    world.admin = factories.make_user(role=Role.ADMIN, full_name="Platform Admin")
    world.inactive = factories.make_user(role=Role.ADMIN, full_name="Former Admin")
    world.editor = factories.make_user(role=Role.LEARNER, full_name="Hub Editor")
    world.course = factories.make_course("open", modules=1, lessons=2)
    world.draft = factories.make_course("hidden", modules=1, lessons=1, published=False)
    factories.enrol(world.enrolled, world.course)
    factories.enrol(world.inactive, world.course)
    db.session.add(CourseTrainer(course_id=world.course.id, user_id=world.trainer.id))
    db.session.add(CourseTrainer(course_id=world.draft.id, user_id=world.other_trainer.id))
    db.session.add(HubEditor(user_id=world.editor.id))
    db.session.flush()


def modules() -> list:
    """The modules of this package, each with its ROUTES (and maybe a `build`)."""
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def all_routes() -> list[Route]:
    return [route for module in modules() for route in module.ROUTES]


def build_world() -> SimpleNamespace:
    """The base world and every module's objects, flushed; the caller commits."""
    world = SimpleNamespace()
    build_base(world)
    for module in modules():
        if hasattr(module, "build"):
            module.build(world)
    return world
