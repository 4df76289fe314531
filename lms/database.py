"""Engine-level settings that the ORM cannot express."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, event
from sqlalchemy.engine import Engine, make_url

from lms.extensions import db
from lms.files import create_private_empty
from lms.inputs import LARGEST_ID


def init_app(app: Flask) -> None:
    _create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def _create_sqlite_file(uri: str) -> None:
    """Make a new SQLite database file readable by the owner only (it holds people's data);
    SQLite gives its -wal and -shm files the mode of the database file."""
    url = make_url(uri)
    database = url.database or ""
    if (
        url.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
    ):
        create_private_empty(Path(database))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work during a write; SQLite ignores foreign keys unless asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally.
    Use with `escape="\\"`."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def paginate(query: Select, per_page: int) -> Pagination:
    """`db.paginate` on the page named by `?page=`. A page past the end is empty rather than a
    404; so is a number too large for the database's OFFSET (an overflow error on both
    databases otherwise)."""
    page = request.args.get("page", 1, type=int)
    return db.paginate(query, page=min(max(page, 1), LARGEST_ID), per_page=per_page, error_out=False)
