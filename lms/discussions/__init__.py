"""Discussions: each course's threads and replies by topic (general, and one per module), with
moderation by the course's trainers and administrators. Posting sends
`lms.discussions.events.reply_published`; `lms.discussions.notices` turns it into a notification
(and mail) for the thread's author."""

from flask import Blueprint, Flask

from lms.courses import add_course_page_context

bp = Blueprint("discussions", __name__)

DEFAULTS = {
    "DISCUSSION_POST_MAX_CHARS": 20_000,
    # A post's own page stays light: its formatted HTML may not be bigger than this.
    "DISCUSSION_POST_MAX_HTML_BYTES": 30_000,
    # Posts whose HTML is bigger show a plain excerpt on the thread page, with a link to the whole.
    "DISCUSSION_EXCERPT_BYTES": 1_200,
    "DISCUSSION_THREADS_PER_PAGE": 20,
    "DISCUSSION_POSTS_PER_PAGE": 15,
    "DISCUSSION_POSTS_PER_MINUTE": 5,
    "DISCUSSION_POSTS_PER_HOUR": 30,
    # Hold the first posts of accounts younger than DISCUSSION_NEW_ACCOUNT_DAYS for a trainer's review.
    "DISCUSSION_HOLD_NEW_ACCOUNTS": False,
    "DISCUSSION_NEW_ACCOUNT_DAYS": 7,
}


def init_app(app: Flask) -> None:
    from lms.discussions import notices, views  # here, not above: views register routes on bp

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.register_blueprint(bp)
    add_course_page_context(views.course_page_link)
    notices.connect()
