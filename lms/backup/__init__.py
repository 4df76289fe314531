"""Backups: `flask --app wsgi backup create|verify|restore` (README, "Backup and restore").

One archive (`.tar.gz`) holds a consistent copy of the database (SQLite's online backup API;
`pg_dump` custom format for PostgreSQL), the instance folder (keys, configuration, outbox),
the media and the exports, and `manifest.json` with every file's size and SHA-256 and the
database's schema revision. `verify` checks all of it; `restore` verifies first and then
refuses (with the reason, having changed nothing) a truncated or tampered archive, one from a
newer schema or another kind of database, and a target that is not empty unless `--force`.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from lms.backup.cli import backup

    app.cli.add_command(backup)
