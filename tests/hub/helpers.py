"""Hub items for tests, made directly (the seed import makes PDFs and takes seconds)."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from lms.extensions import db
from lms.hub.models import Author, Facet, Item, Kind, RelatedCourse, Status
from lms.hub.pdfs import markdown_pdf
from lms.hub.services import attach_pdf, reindex
from lms.hub.vocabulary import direction_of

_numbers = count(1)


def make_item(
    *,
    kind: str = "practice",
    slug: str | None = None,
    title: str = "Tutors in the evening",
    summary: str = "Two sentences about it. And another one.",
    body: str = "## The problem\n\nLarge classes.\n",
    language: str = "en",
    year: int = 2024,
    themes: tuple[str, ...] = ("blended-learning",),
    countries: tuple[str, ...] = ("SN",),
    regions: tuple[str, ...] = ("sub-saharan-africa",),
    audiences: tuple[str, ...] = ("faculty",),
    published: datetime | None = datetime(2026, 9, 14),
    pdf_text: str | None = None,
    doi: str | None = None,
    courses: tuple[str, ...] = (),
    illustrative: bool = False,
    authors: tuple[tuple[str, str, str], ...] = (("Chea Sokha", "Chea", "Sokha"),),
) -> Item:
    """A published item (a draft when `published` is None); with `pdf_text`, a PDF holding it."""
    number = next(_numbers)
    item = Item(
        kind=Kind(kind),
        slug=slug or f"item-{number}",
        title=title,
        summary=summary,
        body=body,
        parts={},
        language=language,
        direction=direction_of(language),
        year=year,
        doi=doi,
        licence="CC-BY-4.0",
        publication_type="report" if kind == "publication" else None,
        illustrative=illustrative,
        institution="Université de Ndialakh (fictional)" if kind == "practice" else None,
        keywords=["tutors"],
        status=Status.PUBLISHED if published else Status.DRAFT,
        published_at=published,
    )
    item.authors = [
        Author(position=i, type="person", name=name, family=family, given=given)
        for i, (name, family, given) in enumerate(authors)
    ]
    item.facets = [
        Facet(facet=facet, value=value, position=i)
        for facet, values in (
            ("theme", themes),
            ("country", countries),
            ("region", regions),
            ("audience", audiences),
        )
        for i, value in enumerate(values)
    ]
    item.courses = [RelatedCourse(course_slug=slug, position=i) for i, slug in enumerate(courses)]
    db.session.add(item)
    if pdf_text is not None:
        attach_pdf(item, markdown_pdf(title, ["Test"], None, pdf_text), f"{item.slug}.pdf")
    reindex(item)
    db.session.flush()
    return item
