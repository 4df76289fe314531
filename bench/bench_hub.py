"""Knowledge hub search at 10,000 published items, against a `SELECT COUNT(*)` of the same
table in the same run: on SQLite (FTS5) always, and on PostgreSQL (tsvector, GIN) when
BENCH_POSTGRES_URL names a database the bench may fill and empty. Goal: a search page's query
under 100 ms. Each item has about 300 words drawn from a 5,000-word vocabulary (Zipf-like, so
some words are in most items and others in a few)."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

ITEMS = 10_000
WORDS_PER_ITEM = 300
REPEAT = 30
QUERIES = {
    "common word (in most items)": "w1",
    "mid word (in ~15% of items)": "w200",
    "rare word (in a few items)": "w4000",
    "two words": "w1 w50",
    "no match": "absentword",
}


def _vocabulary(rng: random.Random) -> list[str]:
    weights = [1 / rank for rank in range(1, 5001)]
    return rng.choices([f"w{rank}" for rank in range(1, 5001)], weights=weights, k=ITEMS * WORDS_PER_ITEM)


def _fill(app) -> None:
    from sqlalchemy import text

    from lms.extensions import db
    from lms.hub.models import Item
    from lms.hub.search import ensure_sqlite_index

    rng = random.Random(17)
    words = _vocabulary(rng)
    with app.app_context():
        db.drop_all()
        db.create_all()
        dialect = db.engine.dialect.name
        rows = []
        for number in range(ITEMS):
            body = " ".join(words[number * WORDS_PER_ITEM : (number + 1) * WORDS_PER_ITEM])
            rows.append(
                {
                    "kind": "practice",
                    "slug": f"item-{number}",
                    "title": f"Item {number}",
                    "summary": "A summary.",
                    "body": body,
                    "parts": "{}",
                    "language": "en",
                    "direction": "ltr",
                    "year": 2024,
                    "licence": "CC-BY-4.0",
                    "illustrative": False,
                    "keywords": "[]",
                    "status": "published",
                    "published_at": datetime(2026, 1, 1),
                    "updated_at": datetime(2026, 1, 1),
                    "search_text": f"Item {number}\n{body}",
                }
            )
        columns = ", ".join(rows[0])
        values = ", ".join(f":{name}" for name in rows[0])
        with db.engine.begin() as connection:
            ensure_sqlite_index(connection)
            connection.execute(text(f"INSERT INTO hub_item ({columns}) VALUES ({values})"), rows)  # noqa: S608
            if dialect == "postgresql":
                connection.execute(
                    text("UPDATE hub_item SET search_vector = to_tsvector('simple', search_text)")
                )
                connection.execute(text("ANALYZE hub_item"))
        assert db.session.execute(db.select(db.func.count()).select_from(Item)).scalar_one() == ITEMS


def _time(function) -> list[float]:
    function()
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _measure(app, label: str) -> None:
    from sqlalchemy import text

    from lms.extensions import db
    from lms.hub.search import search

    with app.app_context():
        baseline = statistics.median(
            _time(lambda: db.session.execute(text("SELECT count(*) FROM hub_item")).scalar())
        )
        print(f"\n### {label}, {ITEMS:,} items\n")
        print("| query | hits | median ms | max ms | ratio to COUNT(*) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(f"| COUNT(*) of hub_item (baseline) | | {baseline:.2f} | | 1.0 |")
        for name, query in QUERIES.items():
            hits = search(query).total
            samples = _time(lambda query=query: search(query, 1, 20))
            median = statistics.median(samples)
            print(
                f"| {name}: `{query}` | {hits:,} | {median:.1f} | {max(samples):.1f} | {median / baseline:.1f} |"
            )
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()  # the SQLite file goes with its temporary folder


def main(argv: list[str]) -> None:
    from lms import create_app

    with tempfile.TemporaryDirectory() as folder:
        base = {
            "SECRET_KEY": "bench",
            "BASE_URL": "http://localhost",
            "CERTIFICATE_KEY_PATH": str(Path(folder) / "key.pem"),
            "MEDIA_DIR": str(Path(folder) / "media"),
        }
        targets = [("SQLite (FTS5)", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")]
        if os.environ.get("BENCH_POSTGRES_URL"):
            targets.append(("PostgreSQL (tsvector, GIN)", os.environ["BENCH_POSTGRES_URL"]))
        for label, url in targets:
            app = create_app({**base, "SQLALCHEMY_DATABASE_URI": url})
            _fill(app)
            _measure(app, label)
            with app.app_context():
                from lms.extensions import db

                db.engine.dispose()
    print(
        f"\n(search(query, page 1, 20 a page): the count, the page of ids with snippets, and the items; {REPEAT} runs each; goal under 100 ms)"
    )
