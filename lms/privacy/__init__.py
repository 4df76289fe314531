"""Personal data on request: a person downloads everything held about them, or has it erased.

The learner does both from *Your data* (`/account/data`); an administrator does them for a
person who asks by another channel (`/admin/users/<id>/data`). Both are audit-logged. This
package reads and erases across every domain, so it sits above all of them (the top layer).
"""

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def init_app(app: Flask) -> None:
    from lms.privacy import views  # noqa: F401  (here, not above: views register routes on bp)

    app.register_blueprint(bp)
