"""Personal data: a person's own download and deletion, and the administrators' on request."""

from tests.access import ADMIN_ACTION, ADMINS, LOGIN, SIGNED_IN, Route, cells, post
from tests.factories import DEFAULT_PASSWORD

CONFIRMED = {"password": DEFAULT_PASSWORD, "understood": "y"}
WRONG = {"password": "not the password at all", "understood": "y"}

ROUTES = [
    Route("privacy.mine", "/account/data", SIGNED_IN),
    post("privacy.download_mine", "/account/data/download", cells(LOGIN, 200, 200, 200)),
    post("privacy.erase_mine", "/account/delete", cells(LOGIN, 400, 400, 400), WRONG, note="wrong password"),
    post("privacy.erase_mine", "/account/delete", cells(LOGIN, 302, 302, 302), CONFIRMED),
    Route("privacy.person", lambda w: f"/admin/users/{w.enrolled.id}/data", ADMINS),
    Route("privacy.person", "/admin/users/2147483647/data", cells(LOGIN, 403, 403, 404), note="unknown"),
    post(
        "privacy.download_person",
        lambda w: f"/admin/users/{w.enrolled.id}/data/download",
        cells(LOGIN, 403, 403, 200),
    ),
    post(
        "privacy.download_person",
        "/admin/users/2147483647/data/download",
        cells(LOGIN, 403, 403, 404),
        note="unknown",
    ),
    post("privacy.erase_person", lambda w: f"/admin/users/{w.enrolled.id}/delete", ADMIN_ACTION, CONFIRMED),
    post(
        "privacy.erase_person",
        lambda w: f"/admin/users/{w.enrolled.id}/delete",
        cells(LOGIN, 403, 403, 400),
        WRONG,
        note="wrong password",
    ),
    post(
        "privacy.erase_person",
        lambda w: f"/admin/users/{w.admin.id}/delete",
        cells(LOGIN, 403, 403, 400),
        CONFIRMED,
        note="own account",
    ),
]
