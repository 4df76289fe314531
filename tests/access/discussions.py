"""Course discussions: read and written by the course's participants (its active learners, its
trainers, administrators), moderated by its trainers and administrators.

The world adds to `open`: a thread started by the enrolled learner with a reply by a classmate
(reported by the enrolled learner), a hidden reply and a held one.
"""

from tests.access import LOGIN, Route, cells, post

BASE = "/courses/open/discussions"
# Learners of other courses and trainers of other courses get the enrol-first page.
PART = cells(LOGIN, 200, 200, 200, not_enrolled=403, other_trainer=403)
PART_ACTION = cells(LOGIN, 302, 302, 302, not_enrolled=403, other_trainer=403)
MODERATE = cells(LOGIN, 403, 200, 200, not_enrolled=403, other_trainer=403)
MODERATE_ACTION = cells(LOGIN, 403, 302, 302, not_enrolled=403, other_trainer=403)
DRAFT = cells(LOGIN, 404, 404, 200, other_trainer=200)
NOT_HERE = cells(LOGIN, 404, 404, 404, not_enrolled=403, other_trainer=403)


def build(world):
    from sqlalchemy import select

    from lms.discussions import services
    from lms.discussions.models import PostReport, PostStatus
    from lms.extensions import db
    from tests import factories

    classmate = factories.make_user(full_name="Discussion Classmate")
    factories.enrol(classmate, world.course)
    thread = services.start_thread(
        world.course, world.enrolled, module_id=None, title="A question", body="How?", moderator=False
    )
    world.thread_id = thread.id
    world.reply_id = services.reply(thread, classmate, "Like this.", moderator=False).id
    services.report(services.reply(thread, classmate, "Reported", moderator=False), world.enrolled, "Rude.")
    world.report_id = db.session.execute(select(PostReport.id)).scalar_one()
    hidden = services.reply(thread, classmate, "Hidden", moderator=False)
    services.hide(hidden, world.admin, "Off topic.")
    world.hidden_id = hidden.id
    held = services.reply(thread, classmate, "Held", moderator=False)
    held.status = PostStatus.HELD  # as if DISCUSSION_HOLD_NEW_ACCOUNTS had held it
    world.held_id = held.id


def _thread(suffix=""):
    return lambda w: f"{BASE}/{w.thread_id}{suffix}"


def _post(name, suffix=""):
    return lambda w: f"{BASE}/posts/{getattr(w, name)}{suffix}"


ROUTES = [
    Route("discussions.index", BASE, PART),
    Route("discussions.index", BASE + "?q=how&topic=general&page=2", PART, note="search"),
    Route("discussions.index", "/courses/hidden/discussions", DRAFT, note="unpublished"),
    Route("discussions.new_thread", BASE + "/new", PART),
    post(
        "discussions.new_thread", BASE + "/new", PART_ACTION, {"topic": "general", "title": "T", "body": "B"}
    ),
    Route("discussions.thread", _thread(), PART),
    Route("discussions.thread", f"{BASE}/999999", NOT_HERE, note="unknown"),
    post("discussions.reply", _thread("/replies"), PART_ACTION, {"body": "Thanks"}),
    Route("discussions.post", _post("reply_id"), PART),
    post("discussions.pin", _thread("/pin"), MODERATE_ACTION, {"value": "1"}),
    post("discussions.lock", _thread("/lock"), MODERATE_ACTION, {"value": "1"}),
    # The enrolled learner started the thread: they mark its answer, as its trainers do.
    post("discussions.answer", _post("reply_id", "/answer"), PART_ACTION),
    Route("discussions.report", _post("reply_id", "/report"), PART),
    post("discussions.report", _post("reply_id", "/report"), PART_ACTION, {"reason": "Spam."}),
    Route("discussions.hide", _post("reply_id", "/hide"), MODERATE),
    post("discussions.hide", _post("reply_id", "/hide"), MODERATE_ACTION, {"reason": "Off topic."}),
    post("discussions.restore", _post("hidden_id", "/restore"), MODERATE_ACTION),
    post("discussions.approve", _post("held_id", "/approve"), MODERATE_ACTION),
    Route("discussions.moderation", BASE + "/moderation", MODERATE),
    post("discussions.dismiss", lambda w: f"{BASE}/reports/{w.report_id}/dismiss", MODERATE_ACTION),
]
