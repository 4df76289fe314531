"""The one build step that setup.cfg cannot declare: what goes into the wheel besides `lms/`.

A checkout keeps `templates/`, `static/`, `migrations/` and `courses/` at the top level (the
layout the design card fixes); the wheel carries them inside the package, where `lms/paths.py`
looks for them in an installed copy. Translation catalogues are compiled here from the `.po`
files, because compiled `.mo` files are never committed: a wheel always gets catalogues that
match its sources, whatever happens to lie in the build folder.

Copying at build time is sturdier than symbolic links (which sdists, Windows checkouts and some
tools do not keep) and than mapping the folders as Python packages with `package_dir` (which
would make `templates/` an importable package and list every sub-folder in setup.cfg).
An editable install (`make setup`) skips both steps: the checkout itself is used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

# Top-level folder -> its place inside the installed package (keep in step with lms/paths.py).
SHIPPED = {
    "templates": "lms/templates",
    "static": "lms/static",
    "migrations": "lms/migrations",
    "courses": "lms/content/courses",
}
SKIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".*")


class build_with_shipped_files(build_py):
    """Copy the top-level folders into the package and compile the catalogues."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        build_lib = Path(self.build_lib)
        for source, target in SHIPPED.items():
            shutil.copytree(ROOT / source, build_lib / target, ignore=SKIPPED, dirs_exist_ok=True)
        self._compile_catalogues(build_lib / "lms" / "translations")

    def _compile_catalogues(self, target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((ROOT / "lms" / "translations").glob("*/LC_MESSAGES/messages.po")):
            locale = po.parent.parent.name
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
            mo = target / locale / "LC_MESSAGES" / "messages.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=True)  # as `make translations` does


setup(cmdclass={"build_py": build_with_shipped_files})
