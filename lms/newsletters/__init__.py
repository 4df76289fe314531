"""Newsletters of the knowledge hub: double opt-in subscriptions by languages and themes, issues
composed by editors from published hub items, sent in batches by the task queue, archived on the
site, and stopped by one click (RFC 8058) or a bounce. Its own package (above lms.hub, below
lms.privacy, which exports and erases subscribers) so that the hub's workflow can grow apart."""

from flask import Blueprint, Flask

bp = Blueprint("newsletters", __name__)


def init_app(app: Flask) -> None:
    from lms.newsletters import views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.newsletters.cli import newsletters

    app.register_blueprint(bp)
    app.cli.add_command(newsletters)
