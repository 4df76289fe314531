"""Accounts: registration, sign-in, profile, passwords, and the `users` CLI."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from lms.accounts import cli, views  # noqa: F401  (views register routes on bp)
    from lms.accounts.models import User
    from lms.extensions import db, login_manager

    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.login_message_category = "info"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")

    @login_manager.user_loader
    def load_user(user_id: str):
        ident, _, token = user_id.partition(":")
        if not ident.isdigit():
            return None
        user = db.session.get(User, int(ident))
        if user is None or user.session_token != token or not user.active:
            return None
        return user

    app.register_blueprint(bp)
    app.cli.add_command(cli.users)
