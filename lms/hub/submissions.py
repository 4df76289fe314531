"""Contributions to the hub and their review: who may edit them, their states and history.

A submission wraps a hub `Item` kept in draft: the public pages, search, feeds, OAI-PMH and
the sitemap read only published items, so nothing a contributor writes is public before an
editor publishes it. The states and the moves between them live here, on the model
(`Submission.move`); a move that the rules do not allow raises `InvalidMove`, and every move is
kept as a `ReviewEvent` (who, when, from, to, comment).

Editors are a capability of the hub only, not an account role: `Role` is ordered and every
`includes(Role.TRAINER)` check (creating courses, seeing cohorts, reports) would otherwise open
to hub editors. `HubEditor` rows name them; administrators are editors too.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.columns import enum_column, utcnow
from lms.extensions import db
from lms.hub.models import Item


class State(enum.StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes-requested"
    ACCEPTED = "accepted"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Move(enum.StrEnum):
    """What someone does to a submission: editors all but `resubmit`, which is the contributor's."""

    REQUEST_CHANGES = "request-changes"
    ACCEPT = "accept"
    PUBLISH = "publish"
    REJECT = "reject"
    RESUBMIT = "resubmit"


# From which states each move may be made, and where it leads.
MOVES: dict[Move, tuple[frozenset[State], State]] = {
    Move.REQUEST_CHANGES: (frozenset({State.SUBMITTED, State.ACCEPTED}), State.CHANGES_REQUESTED),
    Move.ACCEPT: (frozenset({State.SUBMITTED}), State.ACCEPTED),
    Move.PUBLISH: (frozenset({State.ACCEPTED}), State.PUBLISHED),
    Move.REJECT: (frozenset({State.SUBMITTED, State.ACCEPTED, State.CHANGES_REQUESTED}), State.REJECTED),
    Move.RESUBMIT: (frozenset({State.CHANGES_REQUESTED}), State.SUBMITTED),
}
EDITOR_MOVES = (Move.REQUEST_CHANGES, Move.ACCEPT, Move.PUBLISH, Move.REJECT)
COMMENT_REQUIRED = frozenset({Move.REQUEST_CHANGES, Move.REJECT})
EDITABLE = frozenset({State.SUBMITTED, State.CHANGES_REQUESTED})
MAX_COMMENT = 5000


def _state_column(name: str, **kwargs):
    """A State column whose CHECK constraint is named after the column: two State columns in
    one table would otherwise both make `ck_<table>_state`, which PostgreSQL refuses."""
    return mapped_column(
        Enum(
            State,
            values_callable=lambda members: [m.value for m in members],
            native_enum=False,
            create_constraint=True,
            length=32,
            name=name,
        ),
        **kwargs,
    )


class InvalidMove(ValueError):
    """A move the submission's state does not allow (e.g. publishing what was not accepted)."""


class Submission(db.Model):
    __tablename__ = "hub_submission"
    __table_args__ = (Index("ix_hub_submission_state_updated", "state", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("hub_item.id", ondelete="CASCADE"), unique=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[State] = enum_column(State, default=State.SUBMITTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship()
    contributor: Mapped[User] = relationship()
    events: Mapped[list[ReviewEvent]] = relationship(
        order_by="ReviewEvent.id", cascade="all, delete-orphan", back_populates="submission"
    )

    @property
    def editable(self) -> bool:
        """The contributor may still change it (an editor has not accepted or closed it)."""
        return self.state in EDITABLE

    def allows(self, move: Move) -> bool:
        return self.state in MOVES[move][0]

    def move(self, move: Move, actor: User, comment: str = "", *, now: datetime | None = None) -> ReviewEvent:
        """Make `move`, recording it; raises InvalidMove when the current state forbids it or a
        comment it needs is missing."""
        sources, target = MOVES[Move(move)]
        if self.state not in sources:
            raise InvalidMove(f"{move} is not allowed from {self.state}")
        comment = (comment or "").strip()
        if move in COMMENT_REQUIRED and not comment:
            raise InvalidMove(f"{move} needs a comment")
        if len(comment) > MAX_COMMENT:
            raise InvalidMove("comment too long")
        now = now or utcnow()
        event = ReviewEvent(
            actor_id=actor.id, at=now, from_state=self.state, to_state=target, comment=comment
        )
        self.events.append(event)
        self.state = target
        self.updated_at = now
        return event


class ReviewEvent(db.Model):
    """One step of a submission's history; kept when the actor's account goes (actor_id NULL)."""

    __tablename__ = "hub_review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("hub_submission.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_state: Mapped[State | None] = _state_column("from_state", nullable=True)
    to_state: Mapped[State] = _state_column("to_state")
    comment: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class HubEditor(db.Model):
    """A person who reviews and publishes hub submissions (given by an administrator)."""

    __tablename__ = "hub_editor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship(foreign_keys=[user_id])
