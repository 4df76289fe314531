"""Authoring: trainers build, revise and publish courses in the browser."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("authoring", __name__)


def init_app(app: Flask) -> None:
    from lms.authoring import models, views  # noqa: F401  (here, not above: views register routes on bp)

    # Limits for course archives uploaded in the browser (checked before anything is unpacked).
    app.config.setdefault("AUTHORING_MAX_ARCHIVE_BYTES", 16_000_000)
    app.config.setdefault("AUTHORING_MAX_ARCHIVE_FILES", 2_000)
    app.config.setdefault("AUTHORING_MAX_UNPACKED_BYTES", 100_000_000)
    app.register_blueprint(bp)
    add_navigation("authoring.index", _l("Authoring"), Role.TRAINER)
