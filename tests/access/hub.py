"""The knowledge hub: every page is public (readers need no account), including the feeds,
OAI-PMH (which harvesters also POST to, without a session) and the sitemap. Drafts and
unknown items are 404 for everyone (editors' pages come later)."""

from tests.access import PUBLIC, Route, cells, post

NOT_FOUND = cells(404, 404, 404, 404)


def build(world):
    from tests.hub.helpers import make_item

    world.hub_item = make_item(slug="matrix-report", kind="publication", pdf_text="Matrix text.")
    world.hub_draft = make_item(slug="matrix-draft", published=None)
    world.hub_pdf = world.hub_item.attachments[0].sha256


def _download(world) -> str:
    return f"/hub/publication/matrix-report/files/{world.hub_pdf}.pdf"


ROUTES = [
    Route("hub.browse", "/hub", PUBLIC),
    Route("hub.browse", "/hub?theme=blended-learning&year=2024&page=2", PUBLIC, note="filtered"),
    Route("hub.search_page", "/hub/search?q=matrix", PUBLIC),
    Route("hub.item", "/hub/publication/matrix-report", PUBLIC),
    Route("hub.item", "/hub/practice/matrix-draft", NOT_FOUND, note="draft"),
    Route("hub.item", "/hub/nonsense/matrix-report", NOT_FOUND, note="unknown kind"),
    Route("hub.download", _download, PUBLIC),
    Route(
        "hub.download", "/hub/publication/matrix-report/files/" + "0" * 64 + ".pdf", NOT_FOUND, note="unknown"
    ),
    Route("hub.feed", "/hub/feed.atom", PUBLIC),
    Route("hub.theme_feed", "/hub/themes/blended-learning/feed.atom", PUBLIC),
    Route("hub.theme_feed", "/hub/themes/nonsense/feed.atom", NOT_FOUND, note="unknown theme"),
    Route("hub.oai", "/oai?verb=Identify", PUBLIC),
    post("hub.oai", "/oai", PUBLIC, {"verb": "ListSets"}),
    Route("hub.sitemap_xml", "/sitemap.xml", PUBLIC),
]
