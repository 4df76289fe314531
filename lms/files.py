"""Files under instance/ hold secrets and personal data (database, keys, outgoing mail, uploads):
they are created readable by the owner only, whatever the process umask says.

Writes are atomic (a temporary file in the same folder, then a rename or link), so a reader or
another worker never sees half a file. Files that already exist keep their mode: an operator who
chose another one keeps it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path) -> Path:
    """Create `path` (and missing parents) as rwx------; an existing folder is left as it is."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    return path


def _temporary_copy(path: Path, data: bytes) -> str:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (replacing it) with mode 0600."""
    path = Path(path)
    private_directory(path.parent)
    temporary = _temporary_copy(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def create_private_once(path: Path, data: bytes) -> bool:
    """Create `path` with `data` and mode 0600 unless it exists. Safe when several workers start
    at once: exactly one file wins and everyone reads the same content. True if this call made it."""
    path = Path(path)
    private_directory(path.parent)
    temporary = _temporary_copy(path, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True


def create_private_empty(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (SQLite then opens it as a new
    database, and gives its -wal and -shm files the same mode)."""
    path = Path(path)
    private_directory(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)
