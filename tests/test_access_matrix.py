"""Every URL rule and method, requested by every column of tests/access/, answers as listed there.

The world is built and every column signed in once for this module. Each cell (one column, one
request) then runs inside a database transaction that is rolled back afterwards, with a fresh
client holding that column's session cookie, so cells cannot change what later cells see.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask_sqlalchemy.session import Session as FlaskSqlalchemySession
from sqlalchemy import inspect, select, update
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from lms.accounts.models import User
from lms.courses.models import CourseTrainer
from lms.extensions import db
from tests import factories
from tests.access import CSRF_EXEMPT, LOGIN, ROLES, Route, all_routes, build_world, modules
from tests.conftest import empty_tables

MODULES = modules()
ROUTES: list[Route] = all_routes()
IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask itself for every rule

pytestmark = pytest.mark.shared_world


@dataclass(frozen=True)
class Visitor:
    """What a column's browser holds: its session cookie and the CSRF token of that session."""

    cookie: str | None
    csrf_token: str


@pytest.fixture(scope="module")
def world(app):
    """The objects of tests/access/*.py, committed once; emptied when the module ends."""
    with app.app_context():
        made = build_world()
        db.session.commit()
        for value in vars(made).values():  # load the columns, so the URLs can use them later
            if inspect(value, raiseerr=False) is not None:
                db.session.refresh(value)
        db.session.expunge_all()
    yield made
    empty_tables(app)


@pytest.fixture(scope="module")
def visitors(app, world) -> dict[str, Visitor]:
    """Sign each column in through the login form, then deactivate `inactive`."""
    signed_in = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = getattr(world, role)
            response = client.submit("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
            assert response.status_code == 302, role
        token = client.csrf_token()
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        signed_in[role] = Visitor(cookie.value if cookie else None, token)
    with app.app_context():
        db.session.execute(update(User).where(User.id == world.inactive.id).values(active=False))
        db.session.commit()
    return signed_in


@pytest.fixture(scope="module")
def rolled_back(app, world):
    """`with rolled_back():` runs requests in a transaction that is then rolled back.

    Every ORM session is bound to one connection; the application's own commits and rollbacks
    become savepoints inside the cell's transaction (SQLAlchemy's "joining a session into an
    external transaction"). SQLite's driver starts transactions lazily, so it is told to leave
    them to us and the cell says BEGIN itself.
    """
    with app.app_context():
        connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.dbapi_connection.isolation_level = None

    @contextmanager
    def cell():
        transaction = connection.begin()
        if sqlite:
            connection.exec_driver_sql("BEGIN")
        try:
            yield
        finally:
            transaction.rollback()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FlaskSqlalchemySession, "get_bind", lambda self, *args, **kwargs: connection)
        patch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
        yield cell
    connection.invalidate()  # its driver settings were changed: never hand it out again
    connection.close()


def outcome(response) -> int | str:
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login":
        return LOGIN
    return response.status_code


def answer(app, visitor: Visitor, route: Route, world, rolled_back, *, csrf: bool = True) -> int | str:
    client = app.test_client()
    if visitor.cookie:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], visitor.cookie)
    with rolled_back():
        url = route.url_for(world)
        if route.method == "GET":
            response = client.get(url)
        else:
            token = {"csrf_token": visitor.csrf_token} if csrf else {}
            response = client.open(url, method=route.method, data={**token, **route.form(world)})
        response.get_data()  # a streamed body reads the database too: read it inside the transaction
        response.close()
    return outcome(response)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_route_answers_each_column_as_the_matrix_says(app, world, visitors, rolled_back, route: Route):
    seen = {role: answer(app, visitors[role], route, world, rolled_back) for role in ROLES}
    assert seen == route.expected


def test_a_cell_changes_nothing_that_the_next_cell_sees(app, world, visitors, rolled_back):
    """The isolation the whole matrix relies on: an admin's removal of a trainer is undone."""
    removal = next(route for route in ROUTES if route.endpoint == "teaching.remove_trainer")
    for _ in range(2):
        assert answer(app, visitors["admin"], removal, world, rolled_back) == 302
    with app.app_context(), db.engine.connect() as other:  # another connection sees only commits
        still = other.execute(
            select(CourseTrainer).where(
                CourseTrainer.course_id == world.course.id, CourseTrainer.user_id == world.trainer.id
            )
        ).all()
    assert len(still) == 1


def test_every_post_in_the_matrix_without_a_csrf_token_is_refused(app, world, visitors, rolled_back):
    posts = [route for route in ROUTES if route.method != "GET" and route.endpoint not in CSRF_EXEMPT]
    accepted = [
        route.name
        for route in posts
        if answer(app, visitors["admin"], route, world, rolled_back, csrf=False) != 400
    ]
    assert len(posts) > 50
    assert not accepted, f"accepted without a CSRF token: {accepted}"


def test_every_rule_and_method_of_the_app_is_in_the_matrix(app, world):
    adapter = app.url_map.bind("localhost")
    covered, wrong = set(), []
    for route in ROUTES:
        path = urlsplit(route.url_for(world)).path
        try:
            rule, _ = adapter.match(path, method=route.method, return_rule=True)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            wrong.append(f"  {route.name}: {route.method} {path} matches no rule of the application")
            continue
        if rule.endpoint != route.endpoint:
            wrong.append(f"  {route.name}: {route.method} {path} is endpoint {rule.endpoint}")
        covered.add((rule.rule, rule.endpoint, route.method))
    missing = [
        (rule, method)
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))
        for method in sorted(rule.methods - IGNORED_METHODS)
        if (rule.rule, rule.endpoint, method) not in covered
    ]
    assert not wrong, "Requests in tests/access/ that do not reach the endpoint they name:\n" + "\n".join(
        wrong
    )
    assert not missing, missing_message(missing)


def missing_message(missing) -> str:
    """Say exactly what to add, and where."""
    homes = defaultdict(set)
    for module in MODULES:
        for route in module.ROUTES:
            homes[route.endpoint.partition(".")[0]].add(module.__name__.rpartition(".")[2])
    lines = ["These URL rules and methods are requested by no column of the access matrix:"]
    for rule, method in missing:
        blueprint = rule.endpoint.partition(".")[0]
        place = ", ".join(f"tests/access/{name}.py" for name in sorted(homes[blueprint]))
        place = (
            place
            or f"a new tests/access/{blueprint}.py (ROUTES = [...], and build(world) if it needs objects)"
        )
        helper = "Route" if method == "GET" else "post"
        lines.append(f"  {method} {rule.rule}  (endpoint {rule.endpoint}): add to ROUTES in {place}, e.g.")
        lines.append(
            f'      {helper}("{rule.endpoint}", "{rule.rule}", <cells>{", data={...}" if method != "GET" else ""}),'
        )
    lines += [
        'Use a real URL (a function of the world for ids, e.g. lambda w: f"/admin/users/{w.enrolled.id}").',
        "<cells> is what each column gets: cells(anonymous, learner, trainer, admin, not_enrolled=...,",
        "other_trainer=..., inactive=...) or PUBLIC, SIGNED_IN, TRAINERS, ADMINS, ADMIN_ACTION, ANONYMOUS_ONLY",
        "from tests/access/__init__.py, whose docstring describes the columns and the world.",
    ]
    return "\n".join(lines)
