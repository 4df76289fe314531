"""Build the wheel with `python -m build` and install it into a new virtual environment.

This takes half a minute of mostly waiting on pip, so `tests/packaging/conftest.py` starts it in
a background thread as soon as the suite is collected and the wheel tests are among the chosen
ones; `test_wheel.py` then waits for it. Nothing here imports the application.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def run(args, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure show what it printed."""
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def declared_dependencies() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CHECKOUT / "setup.cfg")
    return config["options"]["install_requires"].split()


class Installation:
    """The sdist and wheel of the checkout, and a virtual environment holding the wheel and its
    dependencies and nothing else (`venv`, `python`, `wheel`), in a temporary folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lms-wheel-"))
        self.venv = self.root / "venv"
        self.python = self.venv / "bin" / "python"
        self.wheel: Path | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._make, name="wheel-installation", daemon=True)

    def start(self) -> Installation:
        self._thread.start()
        return self

    def wait(self) -> Installation:
        """Block until done; re-raise what went wrong, in the test that needs it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self

    def remove(self) -> None:
        self._thread.join()
        shutil.rmtree(self.root, ignore_errors=True)

    def _make(self) -> None:
        try:
            pip = [sys.executable, "-m", "pip", "--python", self.python, "install", "--quiet", "--no-compile",
                   "--disable-pip-version-check"]  # fmt: skip
            run([sys.executable, "-m", "venv", "--without-pip", self.venv])
            # The declared dependencies install while the wheel builds (both wait mostly on pip);
            # installing the wheel afterwards checks them against the wheel's own metadata.
            dependencies = subprocess.Popen(
                [str(a) for a in [*pip, *declared_dependencies()]],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            try:
                run([sys.executable, "-m", "build", "--outdir", self.root / "dist", CHECKOUT])
            finally:
                output, _ = dependencies.communicate(timeout=600)
            assert dependencies.returncode == 0, output
            (self.wheel,) = (self.root / "dist").glob("lms-*.whl")
            run([*pip, self.wheel])
        except BaseException as error:  # reported by wait(), in the test's own thread
            self._error = error
