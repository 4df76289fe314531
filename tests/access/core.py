"""The home page, language choice, health check, accounts and the administrators' people pages.

The world adds a valid password-reset link for the enrolled learner.
"""

from tests.access import ADMIN_ACTION, ADMINS, ANONYMOUS_ONLY, LOGIN, PUBLIC, SIGNED_IN, Route, cells, post
from tests.factories import DEFAULT_PASSWORD

EVERYONE_302 = cells(302, 302, 302, 302)
EVERYONE_400 = cells(400, 400, 400, 400)
# A form that visitors may send and that signed-in people are sent away from.
VISITORS_REFUSED = cells(400, 302, 302, 302)
SIGNED_IN_REFUSED = cells(LOGIN, 400, 400, 400)
PROFILE = {
    "full_name": "Renamed Person",
    "gender": "unstated",
    "country": "GH",
    "institution": "University of Ghana",
    "profile_role": "faculty",
}


def build(world):
    from lms.accounts import sessions
    from lms.accounts.tokens import make_confirmation_token, make_reset_token
    from tests import factories

    world.reset_token = make_reset_token(world.enrolled)
    # Someone who registered and has not confirmed yet, and a session of the enrolled learner's
    # other device (for the others, another person's session).
    world.pending = factories.make_user(full_name="Pending Person", awaiting_confirmation=True)
    world.confirmation_token = make_confirmation_token(world.pending)
    sessions.start(world.enrolled, remember=False, user_agent="phone")
    world.enrolled_phone_session = world.enrolled.sign_in_id


ROUTES = [
    Route("web.home", "/", PUBLIC),
    Route("health.alive", "/healthz", PUBLIC),
    Route("health.ready", "/readyz", PUBLIC),
    Route("static", "/static/css/site.css", PUBLIC),
    post("web.choose_language", "/language", EVERYONE_302, {"language": "fr"}),
    Route("accounts.register", "/register", ANONYMOUS_ONLY),
    post(
        "accounts.register", "/register", VISITORS_REFUSED, {"email": "new@example.org"}, note="no password"
    ),
    Route("accounts.login", "/login", ANONYMOUS_ONLY),
    post(
        "accounts.login",
        "/login",
        VISITORS_REFUSED,
        lambda w: {"email": w.enrolled.email, "password": "not the password"},
        note="wrong password",
    ),
    post("accounts.logout", "/logout", cells(LOGIN, 302, 302, 302)),
    Route("accounts.confirm_email", lambda w: f"/register/confirm/{w.confirmation_token}", PUBLIC),
    Route("accounts.confirm_email", "/register/confirm/not-a-token", EVERYONE_400, note="bad token"),
    post(
        "accounts.confirm_email",
        lambda w: f"/register/confirm/{w.confirmation_token}",
        EVERYONE_400,
        {"password": "not the password"},
        note="wrong password",
    ),
    post(  # whoever holds the link and the password is signed in as the confirmed person
        "accounts.confirm_email",
        lambda w: f"/register/confirm/{w.confirmation_token}",
        EVERYONE_302,
        {"password": DEFAULT_PASSWORD},
    ),
    post("accounts.end_all_sessions", "/account/sessions/end-all", cells(LOGIN, LOGIN, LOGIN, LOGIN)),
    post(
        "accounts.end_session",
        lambda w: f"/account/sessions/{w.enrolled_phone_session}/end",
        cells(LOGIN, 302, 404, 404, not_enrolled=404),
        note="the enrolled learner's other device",
    ),
    post(
        "accounts.end_session",
        "/account/sessions/2147483647/end",
        cells(LOGIN, 404, 404, 404),
        note="unknown",
    ),
    Route("accounts.profile", "/account", SIGNED_IN),
    post("accounts.profile", "/account", cells(LOGIN, 302, 302, 302), PROFILE),
    Route("accounts.change_password", "/account/password", SIGNED_IN),
    post(
        "accounts.change_password",
        "/account/password",
        SIGNED_IN_REFUSED,
        {"current_password": "not the password", "password": "a new long passphrase"},
        note="wrong current password",
    ),
    Route("accounts.forgot_password", "/password/forgot", PUBLIC),
    post("accounts.forgot_password", "/password/forgot", PUBLIC, {"email": "nobody@example.org"}),
    Route("accounts.reset_password", lambda w: f"/password/reset/{w.reset_token}", PUBLIC),
    Route("accounts.reset_password", "/password/reset/not-a-token", EVERYONE_400, note="bad token"),
    post(  # the password is set, then everyone is sent to sign in with it
        "accounts.reset_password",
        lambda w: f"/password/reset/{w.reset_token}",
        cells(LOGIN, LOGIN, LOGIN, LOGIN),
        {"password": "a brand new passphrase"},
    ),
    post("accounts.reset_password", "/password/reset/not-a-token", EVERYONE_400, note="bad token"),
    Route("admin.users", "/admin/users", ADMINS),
    post("admin.users", "/admin/users", ADMIN_ACTION, {"q": "Learner", "role": ""}, note="search"),
    Route("admin.user", lambda w: f"/admin/users/{w.enrolled.id}", ADMINS),
    post(
        "admin.user",
        lambda w: f"/admin/users/{w.enrolled.id}",
        ADMIN_ACTION,
        {"role": "trainer", "active": "y"},
    ),
    Route("admin.user", "/admin/users/999999", cells(LOGIN, 403, 403, 404), note="unknown"),
    Route("admin.audit_log", "/admin/audit", ADMINS),
    post("admin.audit_log", "/admin/audit", ADMIN_ACTION, {"action": "sign-in"}, note="filter"),
    post(
        "admin.audit_log",
        "/admin/audit",
        cells(LOGIN, 403, 403, 400),
        {"person": "nobody@example.org"},
        note="unknown person",
    ),
    post("admin.audit_export", "/admin/audit/export", ADMIN_ACTION, note="starts a job"),
]
