"""The course editor. The world has a draft `authored` owned by the world's trainer, a draft
`theirs` owned by another trainer, and (from tests/access/learning.py) file courses without drafts.

POST routes are requested by each role in turn against the same world, so destructive ones use
an item that does not exist (404 shows the access check passed) and the rest use input that
either works twice or is refused twice.
"""

from tests.access import TRAINERS, Route

BOTH = dict(anonymous=302, learner=403, trainer=302, admin=302)
REFUSED = dict(anonymous=302, learner=403, trainer=400, admin=400)
MISSING = dict(anonymous=302, learner=403, trainer=404, admin=404)
NOT_YOURS = dict(anonymous=302, learner=403, trainer=403, admin=200)
A = "/authoring/authored"


def build(world):
    from lms.policy import Role
    from tests import factories
    from tests.authoring.helpers import build_draft

    world.authored = build_draft(world.trainer, "authored", modules=1, lessons=1)
    world.other_trainer = factories.make_user(role=Role.TRAINER)
    world.theirs = build_draft(world.other_trainer, "theirs", modules=1, lessons=1)


def post(endpoint, url, expected, data=None, note=""):
    return Route(endpoint, lambda w: url, expected, method="POST", data=data, note=note)


ROUTES = [
    Route("authoring.index", lambda w: "/authoring", TRAINERS),
    Route("authoring.new_course", lambda w: "/authoring/new", TRAINERS),
    post("authoring.new_course", "/authoring/new", REFUSED, lambda w: {"title": ""}),
    Route("authoring.import_archive", lambda w: "/authoring/import", TRAINERS),
    post("authoring.import_archive", "/authoring/import", REFUSED),
    Route("authoring.course", lambda w: A, TRAINERS),
    Route("authoring.course", lambda w: "/authoring/theirs", NOT_YOURS, note="not yours"),
    Route("authoring.course", lambda w: "/authoring/open", MISSING | {"anonymous": 302}, note="file course"),
    Route("authoring.details", lambda w: f"{A}/details", TRAINERS),
    post("authoring.details", f"{A}/details", REFUSED, lambda w: {"title": ""}),
    post("authoring.publish", f"{A}/publish", BOTH),
    post("authoring.publish", "/authoring/theirs/publish", dict(BOTH, trainer=403), note="not yours"),
    post("authoring.withdraw", f"{A}/withdraw", REFUSED, note="never published"),
    post("authoring.withdraw", "/authoring/theirs/withdraw", dict(REFUSED, trainer=403), note="not yours"),
    Route("authoring.export", lambda w: f"{A}/export.zip", TRAINERS),
    post("authoring.add_module", f"{A}/modules", BOTH, lambda w: {"new-title": "Another module"}),
    Route("authoring.module", lambda w: f"{A}/modules/module-1", TRAINERS),
    post("authoring.module", f"{A}/modules/module-1", BOTH, lambda w: {"title": "Renamed", "summary": ""}),
    post("authoring.move_module", f"{A}/modules/module-1/move", BOTH, lambda w: {"direction": "down"}),
    post("authoring.remove_module", f"{A}/modules/nope/remove", MISSING),
    post("authoring.add_lesson", f"{A}/modules/module-1/lessons", BOTH, lambda w: {"new-title": "More"}),
    Route("authoring.lesson", lambda w: f"{A}/lessons/lesson-1-1", TRAINERS),
    post(
        "authoring.lesson",
        f"{A}/lessons/lesson-1-1",
        dict(BOTH, trainer=200, admin=200),
        lambda w: {"title": "T", "minutes": "5", "body": "Hi", "revision": "2", "preview": "Preview"},
        note="preview",
    ),  # fmt: skip
    post("authoring.move_lesson", f"{A}/lessons/lesson-1-1/move", BOTH, lambda w: {"direction": "up"}),
    post("authoring.remove_lesson", f"{A}/lessons/nope/remove", MISSING),
    Route("authoring.history", lambda w: f"{A}/lessons/lesson-1-1/history", TRAINERS),
    post("authoring.restore", f"{A}/lessons/lesson-1-1/history/1/restore", BOTH, lambda w: {"revision": "2"}),
    Route("authoring.quiz", lambda w: f"{A}/modules/module-1/quiz", TRAINERS),
    post("authoring.quiz", f"{A}/modules/module-1/quiz", BOTH, lambda w: {"title": "Q", "max_attempts": "3"}),
    post("authoring.remove_quiz", f"{A}/modules/module-1/quiz/remove", BOTH),
    Route("authoring.question", lambda w: f"{A}/modules/module-1/quiz/questions/new", TRAINERS),
    Route("authoring.question", lambda w: f"{A}/modules/module-1/quiz/questions/q1", TRAINERS, note="edit"),
    post(
        "authoring.question",
        f"{A}/modules/module-1/quiz/questions/new",
        REFUSED,
        lambda w: {"kind": "single", "prompt": "P", "options-0-text": "A", "options-1-text": "B"},
    ),  # fmt: skip
    post(
        "authoring.move_question",
        f"{A}/modules/module-1/quiz/questions/q1/move",
        BOTH,
        lambda w: {"direction": "up"},
    ),  # fmt: skip
    post("authoring.remove_question", f"{A}/modules/module-1/quiz/questions/q9/remove", MISSING),
    Route("authoring.images", lambda w: f"{A}/images", TRAINERS),
    post("authoring.images", f"{A}/images", REFUSED, lambda w: {"alt": "No file"}),
    Route("authoring.trainers", lambda w: f"{A}/trainers", TRAINERS),
    post("authoring.trainers", f"{A}/trainers", REFUSED, lambda w: {"email": "nobody@example.org"}),
    Route("authoring.remove_trainer", lambda w: f"{A}/trainers/{w.learner.id}/remove", BOTH, method="POST"),
    Route(
        "authoring.remove_trainer",
        lambda w: f"/authoring/theirs/trainers/{w.other_trainer.id}/remove",
        dict(BOTH, trainer=403),
        method="POST",
        note="not yours",
    ),  # fmt: skip
]
