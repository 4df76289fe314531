"""Where the application's own files are, in a source checkout and in an installed wheel.

A checkout keeps `templates/`, `static/`, `migrations/` and `courses/` at the top level, beside
`lms/`. The wheel carries them inside the package (`setup.py` copies them there at build time,
see its `SHIPPED` table, which must name the same places as `PACKAGED` here). Everything else
read at run time (fonts, the password list, compiled translations) lives inside `lms/` in both.

Nothing here guesses at run time: the layout is decided once, by whether the package sits in a
checkout (its parent holds `setup.cfg`), so a wheel missing a folder fails with its name rather
than silently reading some other folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
IN_CHECKOUT = (CHECKOUT_DIR / "setup.cfg").is_file() and (CHECKOUT_DIR / "wsgi.py").is_file()

# Folder of a checkout -> its place inside the installed package. `lms/courses` is the catalogue's
# Python package, so the course files go under the content package that reads them.
PACKAGED = {
    "templates": "templates",
    "static": "static",
    "migrations": "migrations",
    "courses": "content/courses",
}


class MissingFilesError(RuntimeError):
    """The installed package lacks a folder it needs: the wheel was built without it."""


def shipped(name: str) -> Path:
    """The folder `name` (templates, static, migrations, courses) that ships with the code."""
    path = CHECKOUT_DIR / name if IN_CHECKOUT else PACKAGE_DIR / PACKAGED[name]
    if not path.is_dir():
        raise MissingFilesError(f"{path} is missing: the package was built without its {name}/ folder")
    return path


def instance_dir() -> str | None:
    """The instance folder (database, keys, uploads, outbox): `LMS_INSTANCE_PATH` when set, else
    `instance/` in a checkout, else None so that Flask uses its default for installed packages,
    `<prefix>/var/lms-instance` (the virtual environment's prefix)."""
    configured = os.environ.get("LMS_INSTANCE_PATH")
    if configured:
        return str(Path(configured).expanduser().resolve())
    if IN_CHECKOUT:
        return str(CHECKOUT_DIR / "instance")
    return None
