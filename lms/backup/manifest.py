"""The archive's table of contents, and the problems that make an archive unusable.

Problems are data (code and parameters); `message()` words them. `read` never extracts
anything: it streams each member through SHA-256 and compares it with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

FORMAT = "lms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECTIONS = ("database", "instance", "keys", "media", "exports")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)


MESSAGES = {
    "unreadable": "The archive cannot be read ({reason}): it is truncated or not a backup.",
    "no-manifest": "The archive has no manifest.json: it is not a backup made by this platform.",
    "bad-manifest": "The manifest cannot be read: {reason}.",
    "newer-format": "The archive is in backup format {found}; this version reads format {supported} only.",
    "unsafe-path": "The manifest names a file outside the backup's folders: {path}.",
    "missing-file": "The archive lacks {path}, which its manifest lists: it is truncated or was altered.",
    "unexpected-file": "The archive holds {path}, which its manifest does not list: it was altered.",
    "not-a-file": "{path} in the archive is not a regular file.",
    "size-mismatch": "{path} has {found} bytes, the manifest says {expected}: it is truncated or was altered.",
    "checksum-mismatch": "{path} does not match its SHA-256 checksum: it was altered or damaged.",
    "newer-schema": (
        "The database is at schema revision {revision}, which this version of the platform does not "
        "know: the backup comes from a newer version. Restore it with that version or a later one."
    ),
    "other-database": "The backup holds a {found} database; this platform is configured for {expected}.",
    "not-empty": "{what} is not empty; restore into an empty one, or pass --force to replace it.",
    "tool-failed": "{tool} failed: {reason}",
    "tool-too-old": "{tool} {found} is older than the PostgreSQL server ({server}); install version {server} or later.",
}


class BackupRefused(Exception):
    """The archive or the target cannot be used; `problems` say why. Nothing was changed."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message() for problem in problems))
        self.problems = problems


def safe_path(name: str) -> bool:
    """A member name we wrote ourselves: relative, inside one of the sections, no `..`."""
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and "\x00" not in name
        and len(path.parts) >= 1
        and path.parts[0] in SECTIONS
    )


def sha256_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read(archive_path) -> dict:
    """The manifest, once every member listed in it has been checked; raises BackupRefused.
    Reads the whole archive once (sizes and checksums), extracting nothing."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            return _check(archive)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupRefused([Problem("unreadable", {"reason": type(error).__name__})]) from None


def _check(archive: tarfile.TarFile) -> dict:
    first = archive.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupRefused([Problem("no-manifest")])
    try:
        manifest = json.loads(archive.extractfile(first).read(10 * CHUNK).decode("utf-8"))
        found = manifest["format"], int(manifest["version"])
        files = {entry["path"]: (int(entry["size"]), str(entry["sha256"])) for entry in manifest["files"]}
        manifest["database"]["dialect"]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupRefused([Problem("bad-manifest", {"reason": type(error).__name__})]) from None
    if found[0] != FORMAT:
        raise BackupRefused([Problem("no-manifest")])
    if found[1] > FORMAT_VERSION:
        raise BackupRefused([Problem("newer-format", {"found": found[1], "supported": FORMAT_VERSION})])
    problems = [Problem("unsafe-path", {"path": path}) for path in files if not safe_path(path)]
    if problems:
        raise BackupRefused(problems)
    seen = set()
    for member in archive:  # from the start again: the manifest comes first
        if member.offset == first.offset:
            continue
        if member.name not in files or member.name in seen:
            problems.append(Problem("unexpected-file", {"path": member.name}))
            continue
        seen.add(member.name)
        if not member.isfile():
            problems.append(Problem("not-a-file", {"path": member.name}))
            continue
        size, expected = files[member.name]
        digest, length = hashlib.sha256(), 0
        stream = archive.extractfile(member)
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            length += len(chunk)
        if length != size:
            problems.append(
                Problem("size-mismatch", {"path": member.name, "found": length, "expected": size})
            )
        elif digest.hexdigest() != expected:
            problems.append(Problem("checksum-mismatch", {"path": member.name}))
    problems += [Problem("missing-file", {"path": path}) for path in files if path not in seen]
    if problems:
        raise BackupRefused(problems)
    return manifest
