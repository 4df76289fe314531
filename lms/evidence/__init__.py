"""Evidence from the platform's own data, published in the knowledge hub: an administrator turns
a participation policy brief (lms.reports, always protected) into a hub publication with its PDF
and method note. Its own package, one layer above both reports and hub, which are siblings that
must not import each other."""

from flask import Blueprint, Flask

bp = Blueprint("evidence", __name__)


def init_app(app: Flask) -> None:
    from lms.evidence import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
