"""Column helpers that every domain's models share: the clock and enum columns.

They sit in the core layer so that a model needs nothing from another domain to declare a
timestamp or an enum (they used to live in `accounts.models`).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """Naive UTC: SQLite and PostgreSQL then store and return the same value."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_class: type[enum.Enum], **kwargs):
    """Store the enum's value (not its name) with a CHECK constraint on every database."""
    return mapped_column(
        Enum(
            enum_class,
            values_callable=lambda members: [m.value for m in members],
            native_enum=False,
            create_constraint=True,
            length=32,
            name=enum_class.__name__.lower(),
        ),
        **kwargs,
    )
