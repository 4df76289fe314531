"""Start building and installing the wheel in the background once the suite is collected, so
that its half-minute of pip overlaps the other tests; `installation` waits for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.installation import Installation

HERE = Path(__file__).resolve().parent
_started: Installation | None = None


def pytest_collection_finish(session) -> None:
    global _started
    wanted = any(Path(item.path).resolve().parent == HERE for item in session.items)
    if wanted and not session.config.option.collectonly and _started is None:
        _started = Installation().start()


def pytest_sessionfinish(session) -> None:
    if _started is not None:
        _started.remove()


@pytest.fixture(scope="module")
def installation() -> Installation:
    assert _started is not None, "the wheel build was not started at collection"
    return _started.wait()
