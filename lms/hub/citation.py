"""Citations (APA 7 and BibTeX) and schema.org JSON-LD of an item, from its metadata only."""

from __future__ import annotations

import json
import re

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from lms.hub.models import Author, Item, Kind
from lms.hub.vocabulary import LICENCES, PUBLICATION_TYPES
from lms.links import absolute_url

PUBLISHER = "Knowledge hub"


def item_url(item: Item) -> str:
    return absolute_url("hub.item", kind=item.kind.value, slug=item.slug)


def doi_url(item: Item) -> str | None:
    return f"https://doi.org/{item.doi}" if item.doi else None


def _initials(given: str | None) -> str:
    parts = [part for part in re.split(r"[\s]+", given or "") if part]
    return " ".join("-".join(f"{piece[0]}." for piece in part.split("-") if piece) for part in parts)


def apa_name(author: Author) -> str:
    if author.type == "organisation":
        return author.name
    initials = _initials(author.given)
    return f"{author.family}, {initials}" if initials else author.family or author.name


def description(item: Item) -> str:
    """What APA puts in square brackets after the title: the kind of document."""
    if item.kind == Kind.PRACTICE:
        return _("Illustrative exemplary practice") if item.illustrative else _("Exemplary practice")
    return str(PUBLICATION_TYPES.get(item.publication_type or "", item.publication_type or ""))


def apa(item: Item) -> Markup:
    """APA 7 reference, the title in italics; the DOI link replaces the URL when there is one."""
    names = [apa_name(author) for author in item.authors]
    if len(names) == 1:
        authors = names[0]
    elif len(names) == 2:
        authors = f"{names[0]}, & {names[1]}"
    else:
        authors = ", ".join(names[:-1]) + f", & {names[-1]}"
    authors = authors if authors.endswith(".") else authors + "."
    year = item.published_at.year if item.published_at else "n.d."
    publisher = "" if len(item.authors) == 1 and item.authors[0].type == "organisation" else f" {PUBLISHER}."
    link = doi_url(item) or item_url(item)
    return Markup(
        '{authors} ({year}). <i lang="{language}" dir="{direction}">{title}</i> [{kind}].{publisher} {link}'
    ).format(
        authors=authors,
        year=year,
        language=item.language,
        direction=item.direction,
        title=item.title,
        kind=description(item),
        publisher=publisher,
        link=link,
    )


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}").replace("^", r"\^{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(item: Item) -> str:
    def name(author: Author) -> str:
        if author.type == "organisation":
            return "{" + _bib(author.name) + "}"
        return _bib(f"{author.family}, {author.given}" if author.given else author.family or author.name)

    entry = "techreport" if item.publication_type in ("report", "policy-brief") else "misc"
    first = item.authors[0] if item.authors else None
    stem = re.sub(
        r"[^a-z0-9]", "", ((first.family if first and first.type == "person" else None) or "hub").lower()
    )
    year = item.published_at.year if item.published_at else ""
    word = re.sub(r"[^a-z0-9]", "", (item.slug.split("-") or ["item"])[0])
    fields = [
        ("author", " and ".join(name(author) for author in item.authors)),
        ("title", "{" + _bib(item.title) + "}"),
        ("year", str(year)),
        ("institution" if entry == "techreport" else "publisher", _bib(PUBLISHER)),
        ("type" if entry == "techreport" else "howpublished", _bib(description(item))),
        ("language", item.language),
        ("url", item_url(item)),
    ]
    if item.doi:
        fields.append(("doi", item.doi))
    if item.licence:
        fields.append(("note", _bib(LICENCES[item.licence][0])))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{entry}{{{stem}{year}{word},\n{body}\n}}"


def json_ld(item: Item, download_urls: list[str]) -> Markup:
    """schema.org metadata for search engines: ScholarlyArticle (publications) or CreativeWork."""

    def person(author: Author) -> dict:
        if author.type == "organisation":
            return {"@type": "Organization", "name": author.name}
        data = {"@type": "Person", "name": author.name, "familyName": author.family}
        if author.given:
            data["givenName"] = author.given
        if author.affiliation:
            data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        return data

    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle" if item.kind == Kind.PUBLICATION else "CreativeWork",
        "@id": item_url(item),
        "url": item_url(item),
        "name": item.title,
        "headline": item.title[:110],
        "abstract": item.summary,
        "inLanguage": item.language,
        "author": [person(author) for author in item.authors],
        "datePublished": item.published_at.date().isoformat() if item.published_at else None,
        "dateModified": item.updated_at.date().isoformat() if item.updated_at else None,
        "temporalCoverage": str(item.year),
        "license": LICENCES[item.licence][1],
        "keywords": ", ".join(item.keywords or []),
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_NAME"]},
        "isAccessibleForFree": True,
    }
    if item.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": item.doi}
        data["sameAs"] = doi_url(item)
    if download_urls:
        data["encoding"] = [
            {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": u}
            for u in download_urls
        ]
    text = json.dumps({k: v for k, v in data.items() if v not in (None, "")}, ensure_ascii=False, indent=1)
    # Inside <script>, "</" would end the element: escape the characters HTML cares about.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup('<script type="application/ld+json">{}</script>').format(Markup(text))  # noqa: S704
