"""The course editor. The world has a draft `authored` owned by the trainer and a draft `theirs`
owned by the other trainer; `open` (a course imported from files) has no draft.

Each cell runs in a transaction that is rolled back, so destructive requests act for real.
"""

from tests.access import LOGIN, TRAINERS, Route, cells, post

EDITORS = cells(LOGIN, 403, 200, 200, other_trainer=403)  # pages of `authored`
DONE = cells(LOGIN, 403, 302, 302, other_trainer=403)  # a change to `authored`, then a redirect
REFUSED = cells(LOGIN, 403, 400, 400, other_trainer=403)  # input refused, after the access check
MISSING = cells(LOGIN, 403, 404, 404, other_trainer=403)  # no such item in `authored`
THEIRS = cells(LOGIN, 403, 403, 200, other_trainer=200)  # pages of `theirs`
ANY_TRAINER_REFUSED = cells(LOGIN, 403, 400, 400)
A = "/authoring/authored"


def build(world):
    from tests.authoring.helpers import build_draft

    world.authored = build_draft(world.trainer, "authored", modules=1, lessons=1)
    world.theirs = build_draft(world.other_trainer, "theirs", modules=1, lessons=1)
    world.authored_removal = _removed_module(world.authored, world.trainer)
    world.theirs_removal = _removed_module(world.theirs, world.other_trainer)


def _removed_module(draft, trainer) -> int:
    """The id of a removed second module of `draft`, to restore."""
    from lms.authoring import removals, services

    return removals.remove_module(services.add_module(draft, "Removed module"), trainer).id


ROUTES = [
    Route("authoring.index", "/authoring", TRAINERS),
    Route("authoring.new_course", "/authoring/new", TRAINERS),
    post("authoring.new_course", "/authoring/new", ANY_TRAINER_REFUSED, {"title": ""}, note="no title"),
    Route("authoring.import_archive", "/authoring/import", TRAINERS),
    post("authoring.import_archive", "/authoring/import", ANY_TRAINER_REFUSED, note="no file"),
    Route("authoring.course", A, EDITORS),
    Route("authoring.course", "/authoring/theirs", THEIRS, note="theirs"),
    Route("authoring.course", "/authoring/open", cells(LOGIN, 403, 404, 404), note="file course"),
    Route("authoring.details", f"{A}/details", EDITORS),
    post("authoring.details", f"{A}/details", REFUSED, {"title": ""}, note="no title"),
    post("authoring.publish", f"{A}/publish", DONE),
    post(
        "authoring.publish",
        "/authoring/theirs/publish",
        cells(LOGIN, 403, 403, 302, other_trainer=302),
        note="theirs",
    ),
    post("authoring.withdraw", f"{A}/withdraw", REFUSED, note="never published"),
    post(
        "authoring.withdraw",
        "/authoring/theirs/withdraw",
        cells(LOGIN, 403, 403, 400, other_trainer=400),
        note="theirs, never published",
    ),  # fmt: skip
    Route("authoring.export", f"{A}/export.zip", EDITORS),
    post("authoring.add_module", f"{A}/modules", DONE, {"new-title": "Another module"}),
    Route("authoring.module", f"{A}/modules/module-1", EDITORS),
    post("authoring.module", f"{A}/modules/module-1", DONE, {"title": "Renamed", "summary": ""}),
    post(
        "authoring.move_module",
        f"{A}/modules/module-1/move",
        DONE,
        {"direction": "down"},
        note="already last",
    ),
    Route("authoring.remove_module", f"{A}/modules/module-1/remove", EDITORS, note="confirmation page"),
    post("authoring.remove_module", f"{A}/modules/module-1/remove", DONE, {"confirmed": "yes"}),
    post("authoring.remove_module", f"{A}/modules/module-1/remove", REFUSED, note="not confirmed"),
    Route("authoring.remove_module", f"{A}/modules/nope/remove", MISSING, note="unknown page"),
    post("authoring.remove_module", f"{A}/modules/nope/remove", MISSING, note="unknown"),
    post("authoring.add_lesson", f"{A}/modules/module-1/lessons", DONE, {"new-title": "More"}),
    Route("authoring.lesson", f"{A}/lessons/lesson-1-1", EDITORS),
    post(
        "authoring.lesson",
        f"{A}/lessons/lesson-1-1",
        EDITORS,
        {"title": "T", "minutes": "5", "body": "Hi", "revision": "2", "preview": "Preview"},
        note="preview",
    ),
    post(
        "authoring.lesson",
        f"{A}/lessons/lesson-1-1",
        DONE,
        {"title": "T", "minutes": "5", "body": "New text", "revision": "2"},
        note="save",
    ),
    post(
        "authoring.move_lesson",
        f"{A}/lessons/lesson-1-1/move",
        DONE,
        {"direction": "up"},
        note="already first",
    ),
    Route("authoring.remove_lesson", f"{A}/lessons/lesson-1-1/remove", EDITORS, note="confirmation page"),
    post("authoring.remove_lesson", f"{A}/lessons/lesson-1-1/remove", DONE, {"confirmed": "yes"}),
    post("authoring.remove_lesson", f"{A}/lessons/lesson-1-1/remove", REFUSED, note="not confirmed"),
    Route("authoring.remove_lesson", f"{A}/lessons/nope/remove", MISSING, note="unknown page"),
    post("authoring.remove_lesson", f"{A}/lessons/nope/remove", MISSING, note="unknown"),
    Route("authoring.history", f"{A}/lessons/lesson-1-1/history", EDITORS),
    post("authoring.restore", f"{A}/lessons/lesson-1-1/history/1/restore", DONE, {"revision": "2"}),
    Route("authoring.quiz", f"{A}/modules/module-1/quiz", EDITORS),
    post("authoring.quiz", f"{A}/modules/module-1/quiz", DONE, {"title": "Q", "max_attempts": "3"}),
    post("authoring.remove_quiz", f"{A}/modules/module-1/quiz/remove", DONE),
    Route("authoring.question", f"{A}/modules/module-1/quiz/questions/new", EDITORS, note="new"),
    Route("authoring.question", f"{A}/modules/module-1/quiz/questions/q1", EDITORS, note="edit"),
    post(
        "authoring.question",
        f"{A}/modules/module-1/quiz/questions/new",
        REFUSED,
        {"kind": "single", "prompt": "P", "options-0-text": "A", "options-1-text": "B"},
        note="new, no correct option",
    ),
    post(
        "authoring.question",
        f"{A}/modules/module-1/quiz/questions/q1",
        REFUSED,
        {"kind": "single", "prompt": "P", "options-0-text": "A", "options-1-text": "B"},
        note="edit, no correct option",
    ),
    post(
        "authoring.move_question", f"{A}/modules/module-1/quiz/questions/q1/move", DONE, {"direction": "up"}
    ),
    Route(
        "authoring.remove_question", f"{A}/modules/module-1/quiz/questions/q1/remove", EDITORS, note="page"
    ),
    post(
        "authoring.remove_question",
        f"{A}/modules/module-1/quiz/questions/q1/remove",
        DONE,
        {"confirmed": "yes"},
    ),
    post(
        "authoring.remove_question",
        f"{A}/modules/module-1/quiz/questions/q1/remove",
        REFUSED,
        note="not confirmed",
    ),
    post(
        "authoring.remove_question", f"{A}/modules/module-1/quiz/questions/q9/remove", MISSING, note="unknown"
    ),
    Route("authoring.removed", f"{A}/removed", EDITORS),
    Route("authoring.removed", "/authoring/theirs/removed", THEIRS, note="theirs"),
    post("authoring.restore_removed", lambda w: f"{A}/removed/{w.authored_removal}/restore", DONE),
    post(
        "authoring.restore_removed",
        lambda w: f"{A}/removed/{w.theirs_removal}/restore",
        MISSING,
        note="another course's removal",
    ),  # fmt: skip
    post("authoring.restore_removed", f"{A}/removed/999999/restore", MISSING, note="unknown"),
    Route("authoring.images", f"{A}/images", EDITORS),
    post("authoring.images", f"{A}/images", REFUSED, {"alt": "No file"}, note="no file"),
    Route("authoring.trainers", f"{A}/trainers", EDITORS),
    Route("authoring.trainers", "/authoring/theirs/trainers", THEIRS, note="theirs"),
    post(
        "authoring.trainers", f"{A}/trainers", REFUSED, {"email": "nobody@example.org"}, note="unknown person"
    ),
    post(
        "authoring.trainers",
        "/authoring/theirs/trainers",
        cells(LOGIN, 403, 403, 302, other_trainer=302),
        lambda w: {"email": w.trainer.email},
        note="theirs, add the trainer",
    ),
    post(
        "authoring.remove_trainer",
        lambda w: f"{A}/trainers/{w.enrolled.id}/remove",
        DONE,
        note="not a trainer",
    ),
    post(
        "authoring.remove_trainer",
        lambda w: f"/authoring/theirs/trainers/{w.other_trainer.id}/remove",
        cells(LOGIN, 403, 403, 302, other_trainer=302),
        note="theirs, the owner",
    ),
]
