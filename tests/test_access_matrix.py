"""Every route, requested as anonymous, learner, trainer and admin, answers as the matrix says."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import pytest

import tests.access
from lms.policy import Role
from tests import factories
from tests.access import ROLES, Route


def all_modules():
    for info in pkgutil.iter_modules(tests.access.__path__):
        yield importlib.import_module(f"tests.access.{info.name}")


def all_routes() -> list[Route]:
    return [route for module in all_modules() for route in module.ROUTES]


def build_world(db) -> SimpleNamespace:
    world = SimpleNamespace(
        learner=factories.make_user(role=Role.LEARNER),
        trainer=factories.make_user(role=Role.TRAINER),
        admin=factories.make_user(role=Role.ADMIN),
    )
    for module in all_modules():
        if hasattr(module, "build"):
            module.build(world)
    db.session.commit()
    return world


def test_every_route_is_in_the_matrix(app):
    covered = {route.endpoint for route in all_routes()}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(endpoints - covered)
    assert not missing, f"routes missing from tests/access/: {missing}"


@pytest.mark.parametrize(
    "route", all_routes(), ids=lambda r: f"{r.method} {r.endpoint}{' ' + r.note if r.note else ''}"
)
def test_route_answers_each_role_as_expected(app, db, route: Route):
    world = build_world(db)
    seen = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = getattr(world, role)
            response = client.submit("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
            assert response.status_code == 302
        url = route.url(world)
        if route.method == "GET":
            response = client.get(url)
        else:
            data = route.data(world) if route.data else {}
            response = client.submit(url, data)
        seen[role] = response.status_code
        if (
            response.status_code == 302
            and route.expected[role] == 302
            and role == "anonymous"
            and route.method == "GET"
        ):
            assert "/login" in response.headers["Location"]
    assert seen == {role: route.expected[role] for role in ROLES}
