"""Notifications, their settings, unsubscribe links and announcements.

Adds an unsubscribe token for the enrolled learner (announcements) and one announcement to `open`.
"""

from tests.access import LOGIN, PUBLIC, SIGNED_IN, Route, cells, post

STUDY = cells(LOGIN, 200, 200, 200, not_enrolled=403, other_trainer=403)
TEACHERS_OF_OPEN = cells(LOGIN, 403, 200, 200, other_trainer=403)
SETTINGS = {"kind_enrolment": "immediately", "kind_announcement": "weekly", "kind_reply": "never",
            "kind_certificate": "immediately", "kind_reminder": "weekly"}  # fmt: skip


def build(world):
    from lms.announcements import services as announcements
    from lms.notifications.services import unsubscribe_token

    world.unsubscribe = unsubscribe_token(world.enrolled.id, "announcement")
    announcements.post(world.course, world.trainer, "Welcome", "The course **starts** on Monday.")


ROUTES = [
    Route("notifications.index", "/notifications", SIGNED_IN),
    post("notifications.mark_read", "/notifications/read", cells(LOGIN, 302, 302, 302)),
    Route("notifications.preferences", "/account/notifications", SIGNED_IN),
    post("notifications.preferences", "/account/notifications", cells(LOGIN, 302, 302, 302), SETTINGS),
    post("notifications.clear_my_bounce", "/account/notifications/bounce", cells(LOGIN, 302, 302, 302)),
    # The link of a mail: anyone holding it, signed in or not; a forged one is 404.
    Route("notifications.unsubscribe", lambda w: f"/unsubscribe/{w.unsubscribe}", PUBLIC),
    Route("notifications.unsubscribe", "/unsubscribe/forged.token", cells(404, 404, 404, 404), note="forged"),
    post("notifications.unsubscribe_now", lambda w: f"/unsubscribe/{w.unsubscribe}", PUBLIC),
    post(
        "notifications.unsubscribe_now", "/unsubscribe/forged.token", cells(404, 404, 404, 404), note="forged"
    ),
    Route("announcements.course_announcements", "/courses/open/announcements", STUDY),
    Route("announcements.manage", "/teaching/open/announcements", TEACHERS_OF_OPEN),
    Route(
        "announcements.manage", "/teaching/nope/announcements", cells(LOGIN, 403, 404, 404), note="unknown"
    ),
    post(
        "announcements.manage",
        "/teaching/open/announcements",
        cells(LOGIN, 403, 302, 302, other_trainer=403),
        {"title": "Week two", "body": "Read *module two* before Thursday."},
    ),
]
