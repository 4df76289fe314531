"""Engine-level settings that the ORM cannot express, and what an unreachable database means.

While the database cannot be reached (a PostgreSQL restart, a network cut, an SQLite file locked
longer than the busy timeout, every pooled connection busy) each request that needs it gets a
503 page with `Retry-After` (lms/errors.py). The log gets one concise warning per process when
an outage starts, a reminder at most once a minute while it lasts and a line when the database
answers again, instead of a traceback per request. Nothing has to be restarted afterwards: a
failed connection is discarded by SQLAlchemy's pool, which invalidates every connection made
before a disconnect. A pooled connection left unused for `DATABASE_PING_IDLE` seconds (one by default) is tested
with a round trip before it is handed out (a dead one is replaced), so a worker that was idle
during a restart does not meet a dead connection; a busy one reuses its connection without the
round trip that `pool_pre_ping` would add to every request. A page view (GET, HEAD) that still
meets a dead connection is run once more on a new one (lms.unit_of_work); a form gets the 503.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from flask import Flask, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Insert, Select, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url

from lms.extensions import db
from lms.files import create_private_empty

# Primary keys and numbers in paths are 32-bit INTEGER columns on PostgreSQL.
LARGEST_ID = 2**31 - 1

RETRY_AFTER = 10  # seconds, sent with every 503 of an outage
REMINDER_INTERVAL = 60  # seconds between "still unavailable" warnings of one process

# SQLite result codes (the low byte of `sqlite_errorcode`) that mean "not now" rather than a bug:
# BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL. "no such table" (ERROR) stays a 500.
_SQLITE_UNAVAILABLE = {5, 6, 7, 10, 13, 14, 15}
# PostgreSQL SQLSTATE classes: connection exception, insufficient resources (too many
# connections, disk full), operator intervention (shutdown, starting up, statement cancelled).
_POSTGRES_UNAVAILABLE = {"08", "53", "57"}

logger = logging.getLogger("lms.database")


def init_app(app: Flask) -> None:
    _create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    busy_ms = int(float(app.config["SQLITE_BUSY_TIMEOUT"]) * 1000)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", lambda connection, record: _sqlite_pragmas(connection, busy_ms))
        else:
            _ping_when_idle(engine, app.config["DATABASE_PING_IDLE"])
        outage = app.extensions["database_outage"] = Outage()
        event.listen(engine, "after_cursor_execute", lambda *_: outage.worked())
    # Registered after Flask-SQLAlchemy's teardown, so it runs first (Flask runs them in reverse).
    app.teardown_appcontext(_end_session)


def _ping_when_idle(engine: Engine, setting) -> None:
    """Test a pooled connection before use when it has been idle for `setting` seconds (0: at
    every checkout, as `pool_pre_ping`; empty or "off": never). A failed test raises
    InvalidatePoolError: the pool then discards every connection made before it (they went down
    with the server) and makes a new one."""
    if setting is None or setting is False or str(setting).strip().lower() in {"", "off", "false", "none"}:
        return
    idle = float(setting)

    def checked_in(_dbapi_connection, record) -> None:
        record.info["lms_idle_since"] = time.monotonic()

    def checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("lms_idle_since")
        if since is None or time.monotonic() - since < idle:  # new, or in use a moment ago
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa_exc.InvalidatePoolError(describe(error)) from error

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


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


def _sqlite_pragmas(dbapi_connection, busy_ms: int) -> None:
    """WAL lets readers work during a write; SQLite ignores foreign keys unless asked; a writer
    waits `busy_ms` for another's lock before the request gets a 503."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally.
    Use with `escape="\\"`."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def insert_unless_present(model) -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING` for `model`'s table on either database: a row that a
    concurrent request inserted first (same unique key) is kept and this insert does nothing,
    where a plain INSERT would fail the request at commit. Both databases wait for the other
    transaction to finish before deciding."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise NotImplementedError(f"insert_unless_present on {dialect}")


def paginate(query: Select, per_page: int) -> Pagination:
    """`db.paginate` on the page named by `?page=`. A page past the end is empty rather than a
    404; so is a number too large for the database's OFFSET (an overflow error on both
    databases otherwise)."""
    page = request.args.get("page", 1, type=int)
    return db.paginate(query, page=min(max(page, 1), LARGEST_ID), per_page=per_page, error_out=False)


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database cannot serve this request right now (try again later)
    rather than a bug in the request or the code, which must stay a 500 with a traceback."""
    if isinstance(error, sa_exc.TimeoutError):  # every pooled connection stayed busy
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:  # SQLAlchemy recognised a lost connection
        return True
    original = error.orig
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in _POSTGRES_UNAVAILABLE
    # psycopg's failures to connect or to read from a closed socket carry no SQLSTATE.
    return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)


def describe(error: BaseException) -> str:
    """The driver's first line, without SQLAlchemy's statement and parameters (which may hold
    personal data): 'OperationalError: connection failed: ... Connection refused'."""
    original = getattr(error, "orig", None) or error
    first = (str(original).strip().splitlines() or [""])[0]
    return f"{type(original).__name__}: {first[:300]}"


class Outage:
    """An application's (so a worker process's) view of the database's availability, so that an
    outage is logged as a few lines rather than a traceback per request: a warning when requests
    start getting 503, at most one line a minute while that goes on, and a line when a statement
    succeeds again. A database that flaps (an SQLite write lock while reads still work) logs at
    most two lines a minute. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None  # first 503 of the current outage
        self._refused = 0  # 503s since the last all-clear
        self._last_line = float("-inf")
        self._announced = False  # this outage was logged, so its end will be too

    def refused(self, error: BaseException) -> None:
        """A request got a 503 because of `error`."""
        now = time.monotonic()
        with self._lock:
            self._refused += 1
            if self.since is None:
                self.since = now
            if now - self._last_line < REMINDER_INTERVAL:
                return
            if self._announced:
                logger.warning(
                    "Database still unavailable after %d s (%d requests answered 503 so far): %s",
                    now - self.since,
                    self._refused,
                    describe(error),
                )
            else:
                logger.warning("Database unavailable, answering 503 until it is back: %s", describe(error))
            self._last_line, self._announced = now, True

    def worked(self) -> None:
        """A statement succeeded: if an outage was on, it is over."""
        if self.since is None:  # the common case, without taking the lock
            return
        with self._lock:
            if self.since is None:
                return
            if self._announced:  # else a flap within a minute of the last line: keep counting
                logger.warning(
                    "Database available again after %d s (%d requests answered 503)",
                    time.monotonic() - self.since,
                    self._refused,
                )
                self._refused = 0
            self.since, self._announced = None, False


def refused(error: BaseException) -> None:
    """Note that this request gets a 503 because of `error` (see Outage)."""
    current_app.extensions["database_outage"].refused(error)


def _end_session(_error: BaseException | None) -> None:
    """Close the request's session, which rolls back a reading transaction. If the database went
    away after the view ran, that rollback fails; the response is made and correct, so it must
    not turn into a 500 from the server. SQLAlchemy has already dropped the dead connection."""
    try:
        db.session.remove()
    except sa_exc.SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        discard_session()
        db.session.remove()


def discard_session() -> None:
    """Roll the request's session back after a database failure. The rollback itself may fail on
    a connection that is already gone; SQLAlchemy then drops that connection from the pool."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.close()
