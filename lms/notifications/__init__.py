"""Notifications: what people are told in the site and by mail (welcomes, announcements,
replies, certificates, reminders), their settings per kind, one-click unsubscribe and bounces."""

from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    from lms.notifications import cli, services, views  # noqa: F401  (routes; services declares the tasks)

    app.register_blueprint(bp)
    app.cli.add_command(cli.notifications)
    app.cli.add_command(cli.mail)
