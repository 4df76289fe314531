"""Account roles. A plain enum in the core layer: accounts store it, `lms.policy` checks it."""

from __future__ import annotations

import enum


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
