"""How each kind of database is copied out and back: a registry by SQLAlchemy dialect name.

SQLite uses the online backup API (a consistent copy while the site writes, WAL included).
PostgreSQL uses `pg_dump --format=custom` (one consistent snapshot) and `pg_restore
--single-transaction --exit-on-error`, so a failed restore leaves the target as it was. The
password travels in PGPASSWORD, never on a command line that `ps` shows. pg_dump refuses a
server newer than itself; that is checked first, to say so plainly.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from lms.backup.manifest import BackupRefused, Problem
from lms.extensions import db


def facts(connection) -> dict:
    """What the manifest says of a database, read through `connection` (which must see exactly
    what was dumped): its Alembic revision (None when migrations never ran: create_all) and
    rows per table (names quoted by SQLAlchemy)."""
    names = inspect(connection).get_table_names()
    revision = None
    if "alembic_version" in names:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    tables = {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in sorted(names)
    }
    return {"revision": revision, "tables": tables}


def is_empty() -> bool:
    return not inspect(db.engine).get_table_names()


class SQLiteDatabase:
    dialect = "sqlite"
    filename = "database.sqlite3"

    def _path(self) -> Path:
        return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)

    def dump(self, target: Path) -> dict:
        """Copy the database to `target`; returns its facts, read from the copy."""
        source = sqlite3.connect(self._path())
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        engine = create_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as connection:
                return facts(connection)
        finally:
            engine.dispose()

    def load(self, source: Path, *, force: bool) -> None:
        """Copy the backup's pages over the target database (created if missing)."""
        db.engine.dispose()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(self._path())
        try:
            with target:
                backup.backup(target)
        finally:
            target.close()
            backup.close()
        db.engine.dispose()


class PostgreSQLDatabase:
    dialect = "postgresql"
    filename = "database.pgdump"

    def _url(self) -> URL:
        return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])

    def _run(self, tool: str, *arguments: str) -> None:
        url = self._url()
        command = [current_app.config[f"BACKUP_{tool.upper()}"], *arguments]
        environment = {**os.environ, "PGPASSWORD": url.password or os.environ.get("PGPASSWORD", "")}
        connection = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
        if url.username:
            connection += ["--username", url.username]
        try:
            result = subprocess.run(  # noqa: S603 (a configured tool, no shell)
                [*command, *connection, "--no-password", "--dbname", url.database],
                env=environment,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as error:
            raise BackupRefused([Problem("tool-failed", {"tool": tool, "reason": str(error)})]) from None
        if result.returncode != 0:
            reason = (result.stderr or "").strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
            raise BackupRefused([Problem("tool-failed", {"tool": tool, "reason": reason[0]})])

    def check_tool(self, tool: str) -> None:
        """Refuse a pg_dump/pg_restore older than the server (pg_dump would refuse it anyway)."""
        try:
            output = subprocess.run(  # noqa: S603
                [current_app.config[f"BACKUP_{tool.upper()}"], "--version"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError) as error:
            raise BackupRefused([Problem("tool-failed", {"tool": tool, "reason": str(error)})]) from None
        found = re.search(r"(\d+)(?:\.(\d+))?", output)
        with db.engine.connect() as connection:
            server = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        tool_major, server_major = int(found.group(1)) if found else 0, server // 10000
        if tool_major < server_major:
            raise BackupRefused(
                [Problem("tool-too-old", {"tool": tool, "found": tool_major, "server": server_major})]
            )

    def dump(self, target: Path) -> dict:
        """Dump to `target`; returns the facts of the dump. They are read in a REPEATABLE READ
        transaction whose snapshot pg_dump is given (`--snapshot`), so they describe exactly
        the rows it wrote, however busy the site."""
        self.check_tool("pg_dump")
        connection = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with connection, connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            described = facts(connection)
            self._run(
                "pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                "--file", str(target),
            )  # fmt: skip
        return described

    def load(self, source: Path, *, force: bool) -> None:
        self.check_tool("pg_restore")
        db.engine.dispose()
        options = ["--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
        if force:
            options += ["--clean", "--if-exists"]
        self._run("pg_restore", *options, str(source))
        db.engine.dispose()


DATABASES = {kind.dialect: kind for kind in (SQLiteDatabase, PostgreSQLDatabase)}


def current() -> SQLiteDatabase | PostgreSQLDatabase:
    return DATABASES[db.engine.dialect.name]()
