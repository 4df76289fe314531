"""Quizzes: one per module, scored on the server."""

from flask import Blueprint, Flask

bp = Blueprint("quizzes", __name__)


def init_app(app: Flask) -> None:
    from lms.quizzes import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
