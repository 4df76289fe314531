"""Courses to take away: a whole course as an EPUB 3 book and as one self-contained HTML file,
for learners whose data is expensive or whose connection comes and goes."""

from flask import Blueprint, Flask

bp = Blueprint("offline", __name__)


def init_app(app: Flask) -> None:
    from lms.offline import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
