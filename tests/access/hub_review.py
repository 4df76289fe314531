"""Contributions to the hub and their review. Any signed-in account may contribute; a
submission is seen by its contributor (`enrolled` here) and the editors only, 404 to others;
the review pages are for editors (and administrators); the editors list is for administrators."""

from tests.access import ADMIN_ACTION, ADMINS, LOGIN, SIGNED_IN, Route, cells, post

OWNER_OR_EDITORS = cells(LOGIN, 200, 404, 200, not_enrolled=404, editor=200)
OWNER_ONLY = cells(LOGIN, 200, 404, 404, not_enrolled=404, editor=404)
EDITORS = cells(LOGIN, 403, 403, 200, editor=200)


def build(world):
    from tests.hub.contributions import make_submission

    world.submission = make_submission(world.enrolled, title="Matrix practice")


def _practice(world):
    from tests.hub.contributions import practice_data

    return practice_data()


def _sub(path: str = ""):
    return lambda world: f"/hub/submissions/{world.submission.id}{path}"


ROUTES = [
    Route("hub.submit", "/hub/submit/practice", SIGNED_IN),
    Route("hub.submit", "/hub/submit/publication", SIGNED_IN, note="publication"),
    Route("hub.submit", "/hub/submit/nonsense", cells(LOGIN, 404, 404, 404), note="unknown kind"),
    post(
        "hub.submit",
        "/hub/submit/practice",
        cells(LOGIN, 422, 422, 422),
        {"title": ""},
        note="missing fields",
    ),
    post("hub.submit", "/hub/submit/practice", cells(LOGIN, 302, 302, 302), _practice),
    Route("hub.my_submissions", "/hub/submissions", SIGNED_IN),
    Route("hub.submission", _sub(), OWNER_OR_EDITORS),
    Route("hub.submission", "/hub/submissions/999999", cells(LOGIN, 404, 404, 404), note="unknown"),
    Route("hub.edit_submission", _sub("/edit"), OWNER_ONLY),
    post(
        "hub.edit_submission",
        _sub("/edit"),
        cells(LOGIN, 422, 404, 404, not_enrolled=404, editor=404),
        {"title": ""},
        note="missing fields",
    ),
    Route("hub.review_queue", "/hub/review", EDITORS),
    post(
        "hub.decide",
        lambda world: f"/hub/review/{world.submission.id}",
        cells(LOGIN, 403, 403, 302, editor=302),
        {"move": "accept"},
    ),
    Route("hub.editors", "/hub/editors", ADMINS),
    post("hub.editors", "/hub/editors", ADMIN_ACTION, lambda world: {"email": world.not_enrolled.email}),
    post("hub.remove_editor", lambda world: f"/hub/editors/{world.editor.id}/remove", ADMIN_ACTION),
]
