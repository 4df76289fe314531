"""Images used in lessons, stored once by content hash under instance/media."""

from flask import Blueprint, Flask

bp = Blueprint("media", __name__)


def init_app(app: Flask) -> None:
    from lms.media import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
