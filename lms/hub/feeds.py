"""Atom (RFC 4287) feeds of the newest published items, all of them or one theme's. Every link
is absolute and comes from BASE_URL (lms.links), never from the request."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from lxml import etree

from lms.hub import citation
from lms.hub.models import Item
from lms.hub.vocabulary import LICENCES, THEMES
from lms.links import absolute_url

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _when(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def atom_feed(items: list[Item], self_url: str, title: str, language: str) -> bytes:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set(XML_LANG, language)

    def add(parent, name: str, text: str | None = None, **attributes) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: v for k, v in attributes.items() if v})
        if text is not None:
            element.text = text
        return element

    add(feed, "id", self_url)
    add(feed, "title", title)
    newest = max((item.updated_at for item in items), default=None)
    add(feed, "updated", _when(newest or datetime(2026, 1, 1)))
    add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    add(feed, "link", rel="alternate", type="text/html", href=absolute_url("hub.browse"))
    author = add(feed, "author")
    add(author, "name", current_app.config["SITE_NAME"])
    add(feed, "generator", "lms knowledge hub")
    for item in items:
        entry = add(feed, "entry")
        entry.set(XML_LANG, item.language)
        url = citation.item_url(item)
        add(entry, "id", url)
        add(entry, "title", item.title)
        add(entry, "updated", _when(item.updated_at))
        if item.published_at:
            add(entry, "published", _when(item.published_at))
        add(entry, "link", rel="alternate", type="text/html", href=url, hreflang=item.language)
        for person in item.authors:
            add(add(entry, "author"), "name", person.name)
        for theme in item.themes:
            add(entry, "category", term=theme, label=str(THEMES.get(theme, theme)))
        summary = item.summary
        if item.illustrative:
            summary = f"{_('Illustrative')}: {summary}"
        add(entry, "summary", summary)
        add(entry, "rights", LICENCES[item.licence][0])
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")


SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(entries: list[tuple[str, datetime | None]]) -> bytes:
    """A sitemaps.org 0.9 document of (absolute URL, last change) pairs."""
    urlset = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP})
    for url, changed in entries:
        entry = etree.SubElement(urlset, f"{{{SITEMAP}}}url")
        etree.SubElement(entry, f"{{{SITEMAP}}}loc").text = url
        if changed is not None:
            etree.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = changed.date().isoformat()
    return etree.tostring(urlset, xml_declaration=True, encoding="utf-8")
