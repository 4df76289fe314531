"""The hub's reader pages: browse, search, item pages and their files. Open to everyone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from flask import Response, abort, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from lms.content.markup import render_markdown
from lms.database import paginate
from lms.extensions import csrf
from lms.hub import bp, citation, queries
from lms.hub import oai as oai_protocol
from lms.hub.feeds import atom_feed, sitemap
from lms.hub.models import Attachment
from lms.hub.search import MAX_QUERY_CHARS, search
from lms.hub.services import attachment_path
from lms.hub.vocabulary import LICENCES, THEMES
from lms.links import absolute_url
from lms.policy import public


@dataclass(frozen=True)
class Page:
    """What the pagination macro needs, for results that are not a SQLAlchemy query."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@bp.get("/hub")
@public
def browse():
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.browse(filters), per_page=current_app.config["HUB_ITEMS_PER_PAGE"])
    return render_template(
        "hub/browse.html",
        page=page,
        filters=filters.values,
        counts=queries.facet_counts(),
        names=queries.FILTERS,
    )


@bp.get("/hub/search")
@public
def search_page():
    query = request.args.get("q", "")[: MAX_QUERY_CHARS * 4].replace("\x00", "")
    number = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    per_page = current_app.config["HUB_ITEMS_PER_PAGE"]
    results = search(query, number, per_page)
    return render_template(
        "hub/search.html",
        query=query[:MAX_QUERY_CHARS],
        results=results,
        page=Page(number, per_page, results.total),
    )


@lru_cache(maxsize=64)
def _body_html(body: str) -> str:
    return render_markdown(body)


@bp.get("/hub/<kind>/<slug>")
@public
def item(kind: str, slug: str):
    found = queries.item(kind, slug)
    if found is None:
        abort(404)
    downloads = [
        (attachment, absolute_url("hub.download", kind=kind, slug=slug, sha256=attachment.sha256))
        for attachment in found.attachments
    ]
    return render_template(
        "hub/item.html",
        item=found,
        body=Markup(_body_html(found.body)),  # noqa: S704 (rendered and sanitised by lms.content.markup)
        downloads=downloads,
        courses=queries.related_courses(found),
        translations=queries.translations_of(found),
        apa=citation.apa(found),
        bibtex=citation.bibtex(found),
        json_ld=citation.json_ld(found, [url for _, url in downloads]),
        doi_url=citation.doi_url(found),
        licence=LICENCES[found.licence],
        canonical=citation.item_url(found),
    )


@bp.get("/hub/<kind>/<slug>/files/<sha256>.pdf")
@public
def download(kind: str, slug: str, sha256: str):
    found = queries.item(kind, slug)
    attachment = next((a for a in found.attachments if a.sha256 == sha256), None) if found else None
    if attachment is None or not isinstance(attachment, Attachment):
        abort(404)
    path = attachment_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=attachment.filename, max_age=86400
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt  # harvesters POST OAI-PMH requests without a session; the endpoint only reads
@public
def oai():
    """OAI-PMH 2.0: every answer, errors included, is an XML document (lms/hub/oai.py)."""
    source = request.form if request.method == "POST" else request.args
    arguments = {name: source.getlist(name) for name in source}
    response = Response(oai_protocol.respond(arguments), mimetype="text/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _atom(body: bytes) -> Response:
    response = Response(body, mimetype="application/atom+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/hub/feed.atom")
@public
def feed():
    items = queries.latest(current_app.config["HUB_FEED_ENTRIES"])
    title = _("%(site)s: knowledge hub", site=current_app.config["SITE_NAME"])
    return _atom(atom_feed(items, absolute_url("hub.feed"), title, str(get_locale() or "en")))


@bp.get("/hub/themes/<theme>/feed.atom")
@public
def theme_feed(theme: str):
    if theme not in THEMES:
        abort(404)
    items = queries.latest(current_app.config["HUB_FEED_ENTRIES"], theme=theme)
    title = _("%(site)s: knowledge hub, %(theme)s", site=current_app.config["SITE_NAME"], theme=THEMES[theme])
    return _atom(
        atom_feed(items, absolute_url("hub.theme_feed", theme=theme), title, str(get_locale() or "en"))
    )


@bp.get("/sitemap.xml")
@public
def sitemap_xml():
    """The hub's items and the public catalogue, for search engines (sitemaps.org 0.9)."""
    entries = [(absolute_url("hub.browse"), None), (absolute_url("courses.catalogue"), None)]
    for kind, slug, updated in queries.sitemap_entries():
        if kind == "course":
            entries.append((absolute_url("courses.course", slug=slug), updated))
        else:
            entries.append((absolute_url("hub.item", kind=kind, slug=slug), updated))
    response = Response(sitemap(entries), mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
