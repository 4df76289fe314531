"""Account roles. A plain enum in the core layer: accounts store it, `lms.policy` checks it."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    """Account roles, from least to most privileged; each includes the ones before it."""

    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        return self.rank >= other.rank

    @property
    def label(self):
        """The role's name in the reader's language (a lazy string)."""
        return _LABELS[self]


_LABELS = {Role.LEARNER: _l("Learner"), Role.TRAINER: _l("Trainer"), Role.ADMIN: _l("Administrator")}
