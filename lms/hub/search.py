"""Full-text search of published hub items, behind one function: `search(query, page, per_page)`.

The embedded SQLite uses an FTS5 index; PostgreSQL a tsvector with a GIN index. Both use the
same rules so that a query finds the same items on either: the query is cut into words
(letters and digits; every other character, FTS5 syntax included, only separates words), every
word must appear (AND), no stemming (the 'simple' configuration and FTS5's unicode61
tokenizer, accents ignored on SQLite), so a word matches the same in every item language.
The indexed text is `Item.search_text`: metadata, body and the text of attached PDFs.

The FTS5 table is an external-content index of `hub_item` kept current by triggers. It is not
in the models (create_all cannot make a virtual table): the migration makes it on SQLite, an
`after_create` hook makes it with the table, and the seed import and search make it if it is
missing (a database restored without it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import event, select, text
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.hub.models import Item, Status

# Marks a search hit inside a snippet; removed from indexed text so no text can forge one.
HIT_START, HIT_END = "\ue000", "\ue001"
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
WORD = re.compile(r"\w+")

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS hub_item_fts USING fts5(title, search_text, content='hub_item', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS hub_item_fts_insert AFTER INSERT ON hub_item WHEN new.status = 'published' "
    "BEGIN INSERT INTO hub_item_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS hub_item_fts_delete AFTER DELETE ON hub_item WHEN old.status = 'published' "
    "BEGIN INSERT INTO hub_item_fts(hub_item_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS hub_item_fts_update AFTER UPDATE OF title, search_text, status ON hub_item BEGIN "
    "INSERT INTO hub_item_fts(hub_item_fts, rowid, title, search_text) "
    "SELECT 'delete', old.id, old.title, old.search_text WHERE old.status = 'published'; "
    "INSERT INTO hub_item_fts(rowid, title, search_text) "
    "SELECT new.id, new.title, new.search_text WHERE new.status = 'published'; END",
)


@dataclass(frozen=True)
class Hit:
    item: Item
    snippet: Markup


@dataclass(frozen=True)
class Results:
    query: str
    terms: tuple[str, ...]
    total: int
    hits: list[Hit]


def terms_of(query: str) -> tuple[str, ...]:
    """The words a query searches for (at most MAX_TERMS, from its first MAX_QUERY_CHARS)."""
    return tuple(
        dict.fromkeys(word.lower() for word in WORD.findall(query[:MAX_QUERY_CHARS].replace("\x00", " ")))
    )[:MAX_TERMS]


def search(query: str, page: int = 1, per_page: int = 20) -> Results:
    """Published items matching every word of `query`, best first, with a snippet each."""
    terms = terms_of(query)
    if not terms:
        return Results(query, terms, 0, [])
    dialect = db.session.get_bind().dialect.name
    total, rows = _BACKENDS[dialect](terms, max(page - 1, 0) * per_page, per_page)
    items = {}
    if rows:
        loaded = db.session.execute(
            select(Item).where(Item.id.in_([row[0] for row in rows])).options(selectinload(Item.facets))
        ).scalars()
        items = {item.id: item for item in loaded}
    hits = [Hit(items[item_id], _marked(snippet)) for item_id, snippet in rows if item_id in items]
    return Results(query, terms, total, hits)


def _marked(snippet: str | None) -> Markup:
    """The snippet escaped, with its hits in <mark>."""
    html = str(escape(" ".join((snippet or "").split())))
    return Markup(html.replace(HIT_START, "<mark>").replace(HIT_END, "</mark>"))  # noqa: S704 (escaped above)


def _sqlite(terms: tuple[str, ...], offset: int, limit: int) -> tuple[int, list]:
    """The FTS5 table holds published items only (its triggers say so), so it answers alone.
    The page comes first, then the snippets of its rows: in one statement SQLite would compute
    a snippet for every match before sorting (seconds at 10,000 items)."""
    ensure_sqlite_index(db.session.connection())
    match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    total = db.session.execute(
        text("SELECT count(*) FROM hub_item_fts WHERE hub_item_fts MATCH :match"), {"match": match}
    ).scalar_one()
    ids = (
        db.session.execute(
            text(
                "SELECT rowid FROM hub_item_fts WHERE hub_item_fts MATCH :match "
                "ORDER BY rank, rowid DESC LIMIT :limit OFFSET :offset"
            ),
            {"match": match, "limit": limit, "offset": offset},
        )
        .scalars()
        .all()
    )
    if not ids:
        return total, []
    snippets = dict(
        db.session.execute(
            text(
                "SELECT rowid, snippet(hub_item_fts, 1, :start, :end, '…', 24) FROM hub_item_fts "
                "WHERE hub_item_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))"
            ),
            {"match": match, "start": HIT_START, "end": HIT_END, "ids": json.dumps(ids)},
        ).all()
    )
    return total, [(item_id, snippets.get(item_id)) for item_id in ids]


def _postgresql(terms: tuple[str, ...], offset: int, limit: int) -> tuple[int, list]:
    """One pass over the matches: the page and the number of matches (`count(*) OVER ()`) come
    from the same scan, over narrow rows (id, rank, date: the text is read for the page's
    snippets only), since checking and ranking each matching tsvector is what costs. Measured at
    10,000 items, a word in every item: 114 ms against 163 ms with the text in the window's rows
    (load 9). Only a page past the end asks the count on its own."""
    params = {"q": " ".join(terms), "published": Status.PUBLISHED.value, "limit": limit, "offset": offset}
    options = f'StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'
    rows = db.session.execute(
        text(
            "WITH ranked AS (SELECT id, ts_rank(search_vector, websearch_to_tsquery('simple', :q)) AS score, "
            "published_at FROM hub_item "
            "WHERE search_vector @@ websearch_to_tsquery('simple', :q) AND status = :published), "
            "page AS (SELECT id, score, published_at, count(*) OVER () AS total FROM ranked "
            "ORDER BY score DESC, published_at DESC LIMIT :limit OFFSET :offset) "
            "SELECT page.id, ts_headline('simple', item.search_text, websearch_to_tsquery('simple', :q), :options), "
            "page.total FROM page JOIN hub_item AS item ON item.id = page.id "
            "ORDER BY page.score DESC, page.published_at DESC"
        ),
        params | {"options": options},
    ).all()
    if rows:
        return rows[0][2], [(item_id, snippet) for item_id, snippet, _total in rows]
    total = db.session.execute(
        text(
            "SELECT count(*) FROM hub_item "
            "WHERE search_vector @@ websearch_to_tsquery('simple', :q) AND status = :published"
        ),
        params,
    ).scalar_one()
    return total, []


_BACKENDS = {"sqlite": _sqlite, "postgresql": _postgresql}


def ensure_sqlite_index(connection) -> None:
    """Make the FTS5 table and its triggers if they are missing (and fill it once)."""
    if connection.dialect.name != "sqlite":
        return
    present = connection.execute(
        text(
            "SELECT count(*) FROM sqlite_master WHERE name IN "
            "('hub_item_fts', 'hub_item_fts_insert', 'hub_item_fts_delete', 'hub_item_fts_update')"
        )
    ).scalar_one()
    if present == 4:
        return
    created = not connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'hub_item_fts'")).first()
    for statement in FTS_DDL:
        connection.execute(text(statement))
    if created:  # only published items are indexed ('rebuild' would take every row)
        connection.execute(text("INSERT INTO hub_item_fts(hub_item_fts) VALUES ('delete-all')"))
        connection.execute(
            text(
                "INSERT INTO hub_item_fts(rowid, title, search_text) "
                "SELECT id, title, search_text FROM hub_item WHERE status = 'published'"
            )
        )


@event.listens_for(Item.__table__, "after_create")
def _create_sqlite_index(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TABLE IF EXISTS hub_item_fts"))
        ensure_sqlite_index(connection)
