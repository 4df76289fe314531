"""Fixtures for the course editor: a trainer, and a complete draft they own."""

from __future__ import annotations

import pytest

from lms.roles import Role
from tests.authoring.helpers import build_draft


@pytest.fixture
def trainer(make_user):
    return make_user(role=Role.TRAINER, full_name="Amina Trainer")


@pytest.fixture
def draft(db, trainer):
    made = build_draft(trainer)
    db.session.commit()
    return made


@pytest.fixture
def editor(login, trainer):
    return login(trainer)
