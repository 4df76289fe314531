"""Accounts: registration, sign-in, profile, passwords, and the `users` CLI."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext

from lms.extensions import login_manager

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from lms.accounts import cli, sessions, views  # noqa: F401  (here, not above: views register routes on bp)

    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.login_message_category = "info"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")

    # The cookies carry a sign-in session's key, checked on the server at every request.
    login_manager.user_loader(sessions.load)
    sessions.init_app(app)

    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
