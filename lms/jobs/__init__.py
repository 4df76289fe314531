"""Jobs: long work that one person starts and watches (exports, cohort imports), run by the
task queue (lms.queue), with a page that refreshes itself and a download kept for a while."""

from flask import Blueprint, Flask

bp = Blueprint("jobs", __name__)


def init_app(app: Flask) -> None:
    from lms.jobs import services, views  # noqa: F401  (views register routes; services the tasks)

    app.register_blueprint(bp)
