"""The knowledge hub: exemplary practices and publications, readable and harvestable by anyone
(browse, search, Atom feeds, OAI-PMH, sitemap)."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.web import add_navigation

bp = Blueprint("hub", __name__)


def init_app(app: Flask) -> None:
    from lms.hub import (
        review_views,  # noqa: F401  (contributions and their review)
        search,  # noqa: F401  (the FTS5 index is made with the table)
        views,  # noqa: F401  (here, not above: views register routes on bp)
    )
    from lms.hub.cli import hub
    from lms.hub.review import is_editor
    from lms.hub.submit_forms import STATE_LABELS
    from lms.hub.vocabulary import KINDS, PUBLICATION_TYPES, THEMES, facet_label

    app.register_blueprint(bp)
    app.cli.add_command(hub)
    app.jinja_env.globals.update(
        hub_facet_label=facet_label,
        hub_themes=THEMES,
        hub_publication_types=PUBLICATION_TYPES,
        hub_kinds=KINDS,
        hub_states=STATE_LABELS,
        is_hub_editor=is_editor,
    )
    add_navigation("hub.browse", _l("Knowledge hub"))
