"""Pages made for a signed-in person are never stored by a browser or a proxy (Cache-Control:
no-store): on a shared computer in a library or a lab, the back button or the disk cache must
not show the next person someone else's learning, certificates or participation data.

The rule lives in one place (`lms.security`); this checks it on every request of the access
matrix, for a learner and an administrator, each cell rolled back as in the matrix itself.
"""

from __future__ import annotations

import pytest

from tests.access import all_routes
from tests.test_access_matrix import rolled_back, visitors, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.shared_world

SIGNED_IN_COLUMNS = ("enrolled", "admin")


def cache_control(app, visitor, route, world, rolled_back) -> str | None:  # noqa: F811
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], visitor.cookie)
    with rolled_back():
        url = route.url_for(world)
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.open(
                url, method=route.method, data={"csrf_token": visitor.csrf_token, **route.form(world)}
            )
        response.get_data()  # run streamed bodies (CSV, ZIP) to their end inside the transaction
        response.close()
    return response.headers.get("Cache-Control")


# These end the visitor's own session (a password set from a reset link ends every session of the
# account; deleting one's account ends them all), so their answer, a redirect, is made for nobody.
SIGNING_OUT = {
    "POST accounts.logout",
    "POST accounts.end_all_sessions",
    "POST accounts.reset_password",
    "POST privacy.erase_mine",
}


@pytest.mark.parametrize(
    "route",
    [route for route in all_routes() if route.name not in SIGNING_OUT],
    ids=lambda route: route.name,
)
def test_every_response_to_a_signed_in_person_says_no_store(app, world, visitors, rolled_back, route):  # noqa: F811
    seen = {
        column: cache_control(app, visitors[column], route, world, rolled_back)
        for column in SIGNED_IN_COLUMNS
    }
    if route.endpoint == "static":
        assert not any(
            "no-store" in (value or "") for value in seen.values()
        )  # the stylesheet stays cacheable
    else:
        assert seen == {column: "no-store" for column in SIGNED_IN_COLUMNS}


def test_after_signing_out_pages_are_no_longer_marked_private(app, world, visitors, rolled_back):  # noqa: F811
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], visitors["enrolled"].cookie)
    with rolled_back():
        assert client.get("/learning").headers["Cache-Control"] == "no-store"
        client.post("/logout", data={"csrf_token": visitors["enrolled"].csrf_token})
        home = client.get("/")
    assert "Cache-Control" not in home.headers
    assert "Cache-Control" not in app.test_client().get("/courses").headers  # anonymous visitors
