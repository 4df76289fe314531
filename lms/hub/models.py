"""Knowledge hub items: exemplary practices and publications, their facets, authors and files.

An item is public only once published (`status` published and `published_at` set); nothing
reads a draft yet (submissions and the editors' workflow come later). Facets (themes,
countries, regions, audiences) are rows, so the browse page filters and counts them in SQL.
`search_text` is what full-text search reads: metadata, body and the text of attached PDFs;
on PostgreSQL `search_vector` holds its tsvector (GIN index), on SQLite an FTS5 table built
from it (lms/hub/search.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.columns import enum_column, utcnow
from lms.extensions import db


class Kind(enum.StrEnum):
    PRACTICE = "practice"
    PUBLICATION = "publication"


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


SearchVector = Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class Item(db.Model):
    __tablename__ = "hub_item"
    __table_args__ = (
        CheckConstraint("direction IN ('ltr', 'rtl')", name="direction"),
        CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name="published_at"),
        CheckConstraint("kind <> 'publication' OR publication_type IS NOT NULL", name="publication_type"),
        Index("ix_hub_item_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = enum_column(Kind, index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # Markdown, shown through lms.content.markup
    parts: Mapped[dict] = mapped_column(JSON, default=dict)  # a practice's body split at its headings
    language: Mapped[str] = mapped_column(String(8), index=True)
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    year: Mapped[int] = mapped_column(index=True)
    doi: Mapped[str | None] = mapped_column(String(200))
    licence: Mapped[str] = mapped_column(String(20))
    publication_type: Mapped[str | None] = mapped_column(String(20))
    illustrative: Mapped[bool] = mapped_column(default=False)
    institution: Mapped[str | None] = mapped_column(String(300))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    contact_role: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    translation_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("hub_item.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[Status] = enum_column(Status, default=Status.DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    source_hash: Mapped[str | None] = mapped_column(String(64))  # of the seed files it came from
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_vector = mapped_column(SearchVector, nullable=True)

    authors: Mapped[list[Author]] = relationship(
        order_by="Author.position", cascade="all, delete-orphan", back_populates="item"
    )
    facets: Mapped[list[Facet]] = relationship(
        order_by="Facet.position", cascade="all, delete-orphan", back_populates="item"
    )
    courses: Mapped[list[RelatedCourse]] = relationship(
        order_by="RelatedCourse.position", cascade="all, delete-orphan", back_populates="item"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.position", cascade="all, delete-orphan", back_populates="item"
    )
    translation_of: Mapped[Item | None] = relationship(remote_side=[id], back_populates="translations")
    translations: Mapped[list[Item]] = relationship(back_populates="translation_of")

    def values(self, facet: str) -> list[str]:
        return [row.value for row in self.facets if row.facet == facet]

    @property
    def themes(self) -> list[str]:
        return self.values("theme")

    @property
    def countries(self) -> list[str]:
        return self.values("country")

    @property
    def regions(self) -> list[str]:
        return self.values("region")

    @property
    def audiences(self) -> list[str]:
        return self.values("audience")

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at is not None


class Author(db.Model):
    __tablename__ = "hub_author"
    __table_args__ = (CheckConstraint("type IN ('person', 'organisation')", name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(300))
    family: Mapped[str | None] = mapped_column(String(200))
    given: Mapped[str | None] = mapped_column(String(200))
    affiliation: Mapped[str | None] = mapped_column(String(300))
    item: Mapped[Item] = relationship(back_populates="authors")


class Facet(db.Model):
    """One value of one facet of an item: (theme, gender-equality), (country, SN)..."""

    __tablename__ = "hub_item_facet"
    __table_args__ = (
        UniqueConstraint("item_id", "facet", "value"),
        CheckConstraint("facet IN ('theme', 'country', 'region', 'audience')", name="facet"),
        Index("ix_hub_item_facet_facet_value", "facet", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"))
    facet: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[Item] = relationship(back_populates="facets")


class RelatedCourse(db.Model):
    """A course by its slug (the stable name course files use), so an item outlives a course
    being re-imported; the page shows only those that exist and are published."""

    __tablename__ = "hub_related_course"
    __table_args__ = (UniqueConstraint("item_id", "course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[Item] = relationship(back_populates="courses")


class Attachment(db.Model):
    """A PDF, stored once under the media folder as `<sha256>.pdf`, with its text for search."""

    __tablename__ = "hub_attachment"
    __table_args__ = (UniqueConstraint("item_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # offered to the browser on download
    size: Mapped[int]
    pages: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    item: Mapped[Item] = relationship(back_populates="attachments")

    @property
    def stored_name(self) -> str:
        return f"{self.sha256}.pdf"
