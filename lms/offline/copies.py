"""Offline copies are made once per course version and kept: a file per course and format,
named by the digest of what it holds, replaced (atomically) when the course changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app

from lms.files import private_directory, write_private
from lms.offline.book import Book


def folder() -> Path:
    configured = current_app.config.get("OFFLINE_DIR") or Path(current_app.instance_path) / "offline"
    return private_directory(Path(configured))


def cached(book: Book, extension: str, build: Callable[[Book], bytes]) -> bytes:
    """The book's copy in this format, made now if this version has none. Copies of older
    versions are removed; a copy removed under a reader's feet by a concurrent change is made
    again rather than failing."""
    place = folder()
    path = place / f"{book.course.slug}@{book.digest[:32]}.{extension}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = build(book)
    write_private(path, data)
    for old in place.glob(f"{book.course.slug}@*.{extension}"):
        if old != path:
            old.unlink(missing_ok=True)
    return data
