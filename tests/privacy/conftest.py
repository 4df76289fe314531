"""Fixtures of the discussion tests, for the discussion part of personal data."""

from tests.discussions.conftest import classmate, switch_to, trainer  # noqa: F401 (fixtures)
