from tests.access import ADMINS, PUBLIC, SIGNED_IN, Route

ANON_ONLY_REDIRECT = dict(anonymous=200, learner=302, trainer=302, admin=302)

ROUTES = [
    Route("web.home", lambda w: "/", PUBLIC),
    Route("web.health", lambda w: "/healthz", PUBLIC),
    Route(
        "web.choose_language",
        lambda w: "/language",
        dict(anonymous=302, learner=302, trainer=302, admin=302),
        method="POST",
        data=lambda w: {"language": "fr"},
    ),
    Route("accounts.register", lambda w: "/register", ANON_ONLY_REDIRECT),
    Route("accounts.login", lambda w: "/login", ANON_ONLY_REDIRECT),
    Route(
        "accounts.logout",
        lambda w: "/logout",
        dict(anonymous=302, learner=302, trainer=302, admin=302),
        method="POST",
    ),
    Route("accounts.profile", lambda w: "/account", SIGNED_IN),
    Route("accounts.change_password", lambda w: "/account/password", SIGNED_IN),
    Route("accounts.forgot_password", lambda w: "/password/forgot", PUBLIC),
    Route(
        "accounts.reset_password",
        lambda w: "/password/reset/not-a-token",
        dict(anonymous=400, learner=400, trainer=400, admin=400),
    ),
    Route("admin.users", lambda w: "/admin/users", ADMINS),
    Route("admin.user", lambda w: f"/admin/users/{w.learner.id}", ADMINS),
]
