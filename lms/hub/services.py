"""Operations that change the hub: importing the seed, attaching PDFs, keeping search current.

Like every service they only flush; the CLI command or request around them commits once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.extensions import db
from lms.files import private_directory, write_private
from lms.hub.models import Attachment, Author, Facet, Item, Kind, RelatedCourse, Status
from lms.hub.pdfs import CheckedPdf, PdfRefused, check_pdf, markdown_pdf
from lms.hub.search import HIT_END, HIT_START, ensure_sqlite_index
from lms.hub.seed import SeedItem
from lms.hub.vocabulary import LICENCES, PUBLICATION_TYPES, direction_of
from lms.media.services import media_dir

MAX_SEARCH_TEXT = 900_000  # PostgreSQL refuses a tsvector over 1 MB


class HubError(ValueError):
    """A refused hub operation; the message says why."""


def documents_dir() -> Path:
    return private_directory(media_dir() / "documents")


def attach_pdf(item: Item, data: bytes, filename: str) -> Attachment:
    """Check `data` (lms/hub/pdfs.py), store it once by its SHA-256 and attach it to `item`.
    Raises HubError with the reason when the PDF is refused; nothing is written then."""
    try:
        checked = check_pdf(data, current_app.config["MAX_PDF_BYTES"])
    except PdfRefused as error:
        raise HubError(error.message()) from None
    return _attach(item, checked, filename)


def _attach(item: Item, checked: CheckedPdf, filename: str) -> Attachment:
    digest = hashlib.sha256(checked.data).hexdigest()
    for existing in item.attachments:
        if existing.sha256 == digest:
            return existing
    path = documents_dir() / f"{digest}.pdf"
    if not path.exists():
        write_private(path, checked.data)
    attachment = Attachment(
        sha256=digest,
        filename=filename,
        size=len(checked.data),
        pages=checked.pages,
        text=checked.text,
        position=len(item.attachments),
    )
    item.attachments.append(attachment)
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return documents_dir() / attachment.stored_name


def _clean(text: str) -> str:
    return text.replace("\x00", "").replace(HIT_START, "").replace(HIT_END, "")


def search_text_of(item: Item) -> str:
    """Everything search should find the item by, as plain text: metadata, body, PDF text."""
    body = re.sub(r"[#*|]+", " ", item.body)
    pieces = [
        item.title,
        item.summary,
        " ".join(author.name for author in item.authors),
        item.institution or "",
        " ".join(item.keywords or []),
        body,
        *(attachment.text for attachment in item.attachments),
    ]
    return _clean("\n".join(piece for piece in pieces if piece))[:MAX_SEARCH_TEXT]


def reindex(item: Item) -> None:
    """Recompute the item's search text (and its tsvector on PostgreSQL; SQLite's FTS5 table
    follows through triggers, lms/hub/search.py)."""
    item.search_text = search_text_of(item)
    if db.session.get_bind().dialect.name == "postgresql":
        item.search_vector = func.to_tsvector("simple", item.search_text)


def publish(item: Item, when: datetime) -> None:
    item.status = Status.PUBLISHED
    item.published_at = when


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def import_seed(items: list[SeedItem]) -> ImportReport:
    """Create or update the hub items of the (already validated) seed, published on their
    `published` date. An item whose files have not changed is left alone, so running it at
    every start costs a few queries."""
    report = ImportReport()
    ensure_sqlite_index(db.session.connection())
    existing = {item.slug: item for item in db.session.execute(select(Item)).scalars()}
    by_slug: dict[str, Item] = {}
    for seed in items:
        item = existing.get(seed.slug)
        if item is not None and item.source_hash == seed.source_hash:
            report.unchanged.append(seed.slug)
            by_slug[seed.slug] = item
            continue
        if item is None:
            item = Item(slug=seed.slug)
            db.session.add(item)
            report.added.append(seed.slug)
        else:
            report.changed.append(seed.slug)
        _fill(item, seed)
        by_slug[seed.slug] = item
    db.session.flush()
    for seed in items:
        original = seed.meta.get("translation_of")
        item = by_slug[seed.slug]
        target = by_slug[original].id if original else None
        if item.translation_of_id != target:
            item.translation_of_id = target
    db.session.flush()
    return report


def _fill(item: Item, seed: SeedItem) -> None:
    meta = seed.meta
    item.kind = Kind(meta["kind"])
    item.title = meta["title"].strip()
    item.summary = " ".join(meta["summary"].split())
    item.body = seed.text.strip()
    item.parts = seed.parts
    item.language = meta["language"]
    item.direction = direction_of(meta["language"])
    item.year = meta["year"]
    item.doi = meta.get("doi")
    item.licence = meta["licence"]
    item.publication_type = meta.get("publication_type")
    item.illustrative = meta["illustrative"]
    item.institution = meta.get("institution")
    item.keywords = list(meta["keywords"])
    contact = meta.get("contact") or {}
    item.contact_role, item.contact_email = contact.get("role"), contact.get("email")
    item.source_hash = seed.source_hash
    item.authors, item.facets, item.courses, item.attachments = [], [], [], []
    db.session.flush()  # old rows go before new ones with the same unique values arrive
    item.authors = [
        Author(
            position=position,
            type=author["type"],
            name=author["name"],
            family=author.get("family"),
            given=author.get("given"),
            affiliation=author.get("affiliation"),
        )
        for position, author in enumerate(meta["authors"])
    ]
    item.facets = [
        Facet(facet=facet, value=value, position=position)
        for facet, key in (
            ("theme", "themes"),
            ("country", "countries"),
            ("region", "regions"),
            ("audience", "audiences"),
        )
        for position, value in enumerate(dict.fromkeys(meta[key]))
    ]
    item.courses = [
        RelatedCourse(course_slug=slug, position=position)
        for position, slug in enumerate(dict.fromkeys(meta["related_courses"]))
    ]
    if item.kind == Kind.PUBLICATION:
        data = _publication_pdf(item, meta["published"].isoformat())
        checked = check_pdf(data, current_app.config["MAX_PDF_BYTES"])
        _attach(item, checked, f"{item.slug}.pdf")
    publish(item, datetime.combine(meta["published"], time(0, 0)))
    reindex(item)


def _publication_pdf(item: Item, published: str) -> bytes:
    with force_locale(item.language):
        kind = str(PUBLICATION_TYPES[item.publication_type])
    front = [
        "; ".join(author.name for author in item.authors),
        f"{published} · {kind}",
        LICENCES[item.licence][0],
    ]
    return markdown_pdf(item.title, front, None, item.body)
