"""Reads of published hub items that the pages, feeds, OAI-PMH and the sitemap share."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import selectinload

from lms.courses.models import Course
from lms.extensions import db
from lms.hub.models import Facet, Item, Kind, Status

FILTERS = ("kind", "theme", "country", "region", "audience", "language", "year")


def published() -> Select:
    return select(Item).where(Item.status == Status.PUBLISHED)


def with_facets(query: Select) -> Select:
    return query.options(selectinload(Item.facets), selectinload(Item.authors))


@dataclass
class Filters:
    """The browse page's filters, from the query string; anything unknown is ignored."""

    values: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> Filters:
        values = {}
        for name in FILTERS:
            value = (args.get(name) or "").strip()[:60]
            if not value or "\x00" in value:
                continue
            if name == "year":
                if not value.isdigit() or len(value) != 4:
                    continue
                values[name] = int(value)
            elif name == "kind":
                if value in Kind.__members__.values() or value in {k.value for k in Kind}:
                    values[name] = value
            else:
                values[name] = value
        return cls(values)

    def apply(self, query: Select) -> Select:
        for name, value in self.values.items():
            if name == "kind":
                query = query.where(Item.kind == Kind(value))
            elif name == "language":
                query = query.where(Item.language == value)
            elif name == "year":
                query = query.where(Item.year == value)
            else:
                query = query.where(
                    exists().where(and_(Facet.item_id == Item.id, Facet.facet == name, Facet.value == value))
                )
        return query


def browse(filters: Filters) -> Select:
    return with_facets(filters.apply(published())).order_by(Item.published_at.desc(), Item.id.desc())


def facet_counts() -> dict[str, list[tuple[str, int]]]:
    """Each filter's values among published items, with how many items have each (3 queries)."""
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FILTERS}
    rows = db.session.execute(
        select(Facet.facet, Facet.value, func.count())
        .join(Item, Item.id == Facet.item_id)
        .where(Item.status == Status.PUBLISHED)
        .group_by(Facet.facet, Facet.value)
        .order_by(Facet.facet, Facet.value)
    ).all()
    for facet, value, count in rows:
        counts[facet].append((value, count))
    for name, column in (("kind", Item.kind), ("language", Item.language), ("year", Item.year)):
        rows = db.session.execute(
            select(column, func.count())
            .where(Item.status == Status.PUBLISHED)
            .group_by(column)
            .order_by(column)
        ).all()
        counts[name] = [
            (str(value.value if isinstance(value, Kind) else value), count) for value, count in rows
        ]
    counts["year"].reverse()
    return counts


def item(kind: str, slug: str) -> Item | None:
    """The published item at /hub/<kind>/<slug>, with everything its page shows; None if none."""
    if kind not in {k.value for k in Kind}:
        return None
    return db.session.execute(
        published()
        .where(Item.kind == Kind(kind), Item.slug == slug)
        .options(
            selectinload(Item.facets),
            selectinload(Item.authors),
            selectinload(Item.courses),
            selectinload(Item.attachments),
            selectinload(Item.translations),
            selectinload(Item.translation_of),
        )
    ).scalar_one_or_none()


def related_courses(item: Item) -> list[Course]:
    slugs = [row.course_slug for row in item.courses]
    if not slugs:
        return []
    found = db.session.execute(
        select(Course).where(Course.slug.in_(slugs), Course.published.is_(True))
    ).scalars()
    by_slug = {course.slug: course for course in found}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def translations_of(item: Item) -> list[Item]:
    """The published items that are this one in another language (either direction)."""
    others = list(item.translations)
    if item.translation_of is not None:
        others.append(item.translation_of)
        others += [other for other in item.translation_of.translations if other.id != item.id]
    return [other for other in others if other.status == Status.PUBLISHED]


def latest(limit: int, theme: str | None = None) -> list[Item]:
    query = published()
    if theme is not None:
        query = query.where(
            exists().where(and_(Facet.item_id == Item.id, Facet.facet == "theme", Facet.value == theme))
        )
    query = with_facets(query).order_by(Item.published_at.desc(), Item.id.desc()).limit(limit)
    return list(db.session.execute(query).scalars())


def sitemap_entries() -> list[tuple[str, str, object]]:
    """(kind, slug, updated_at) of every published item and ("course", slug, updated_at) of
    every published course, in two queries."""
    items = db.session.execute(
        select(Item.kind, Item.slug, Item.updated_at).where(Item.status == Status.PUBLISHED).order_by(Item.id)
    ).all()
    courses = db.session.execute(
        select(Course.slug, Course.updated_at).where(Course.published.is_(True)).order_by(Course.id)
    ).all()
    return [(kind.value, slug, updated) for kind, slug, updated in items] + [
        ("course", slug, updated) for slug, updated in courses
    ]
