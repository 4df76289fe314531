"""Contributions and their review: submitting, editing, the editors' moves, and who is an editor.

Every operation only flushes (the request commits once). An editor's move is written to the
audit log (ids and state codes only) and the contributor is told of it (lms.notifications,
kind `hub`, one notification per step: the key names the review event).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms import audit
from lms.accounts.models import User
from lms.columns import utcnow
from lms.extensions import db
from lms.hub.models import Author, Facet, Item, Kind, Status
from lms.hub.services import attach_pdf, publish, reindex
from lms.hub.submissions import HubEditor, InvalidMove, Move, ReviewEvent, State, Submission
from lms.hub.submit_forms import PRACTICE_PARTS
from lms.hub.vocabulary import direction_of
from lms.links import absolute_url
from lms.notifications.models import Kind as NoticeKind
from lms.notifications.services import notify
from lms.policy import login_required
from lms.roles import Role

AUDIT_ACTIONS = {
    Move.REQUEST_CHANGES: audit.Action.HUB_CHANGES_REQUESTED,
    Move.ACCEPT: audit.Action.HUB_SUBMISSION_ACCEPTED,
    Move.PUBLISH: audit.Action.HUB_SUBMISSION_PUBLISHED,
    Move.REJECT: audit.Action.HUB_SUBMISSION_REJECTED,
}

NOTICES = {
    Move.REQUEST_CHANGES: _l("The hub's editors ask for changes to “%(title)s”"),
    Move.ACCEPT: _l("Your contribution “%(title)s” was accepted"),
    Move.PUBLISH: _l("Your contribution “%(title)s” is published in the knowledge hub"),
    Move.REJECT: _l("Your contribution “%(title)s” was not accepted"),
}


def is_editor(user) -> bool:
    """Administrators, and the people an administrator made editors; active accounts only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if Role(user.role).includes(Role.ADMIN):
        return True
    return db.session.get(HubEditor, user.id) is not None


def editor_required(view: Callable) -> Callable:
    """Signed in and a hub editor (or administrator), else the sign-in page or 403: the one gate
    of the hub's editorial pages (the review queue, newsletters)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_editor(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _slug(title: str) -> str:
    """A slug from the title, with a random tail: unique, and not guessable before publication."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].strip("-")
    return f"{words or 'item'}-{secrets.token_hex(3)}"


def _practice_body(parts: dict[str, str]) -> str:
    """The item's Markdown: each fixed part under its heading, in the item's own order."""
    return "\n\n".join(f"## {PRACTICE_PARTS[name]}\n\n{text}" for name, text in parts.items())


def _fill(item: Item, form, contributor: User) -> None:
    item.title = form.title.data.strip()
    item.summary = " ".join(form.summary.data.split())
    item.language = form.language.data
    item.direction = direction_of(form.language.data)
    item.year = form.year.data
    item.licence = form.licence.data
    item.institution = (form.institution.data or "").strip() or None
    item.contact_email = (form.contact_email.data or "").strip() or None
    item.keywords = []
    item.illustrative = False
    if item.kind == Kind.PRACTICE:
        item.parts = {"introduction": "", **form.parts()}
        item.body = _practice_body(form.parts())
    else:
        item.parts = {}
        item.body = item.summary
        item.publication_type = form.publication_type.data
    item.facets = []
    db.session.flush()  # the old facet rows go before new ones with the same values
    rows = [("country", [form.country.data]), ("theme", form.themes.data), ("audience", form.audience.data)]
    item.facets = [
        Facet(facet=facet, value=value, position=position)
        for facet, values in rows
        for position, value in enumerate(dict.fromkeys(values))
    ]
    if not item.authors:
        item.authors = [Author(position=0, type="person", name=contributor.full_name)]


def submit(contributor: User, kind: Kind, form, pdf: tuple[bytes, str] | None = None) -> Submission:
    """A new draft item and its submission. With `pdf` (its bytes and name) it is checked and
    attached first; a refused PDF raises HubError before anything is written."""
    item = Item(kind=Kind(kind), slug=_slug(form.title.data), status=Status.DRAFT, parts={}, keywords=[])
    _fill(item, form, contributor)
    db.session.add(item)
    if pdf is not None:
        attach_pdf(item, pdf[0], _pdf_name(item))
    reindex(item)
    now = utcnow()
    submission = Submission(
        item=item, contributor_id=contributor.id, state=State.SUBMITTED, created_at=now, updated_at=now
    )
    submission.events.append(
        ReviewEvent(actor_id=contributor.id, at=now, from_state=None, to_state=State.SUBMITTED)
    )
    db.session.add(submission)
    db.session.flush()
    return submission


def _pdf_name(item: Item) -> str:
    return f"{item.slug}.pdf"


def update(submission: Submission, form, contributor: User, pdf: tuple[bytes, str] | None = None) -> None:
    """The contributor's new version; one awaiting changes goes back to the editors."""
    if not submission.editable:
        raise InvalidMove("not editable")
    item = submission.item
    if pdf is not None:
        item.attachments = []
        db.session.flush()
        attach_pdf(item, pdf[0], _pdf_name(item))
    _fill(item, form, contributor)
    reindex(item)
    submission.updated_at = utcnow()
    if submission.state == State.CHANGES_REQUESTED:
        submission.move(Move.RESUBMIT, contributor)
    db.session.flush()


def decide(submission: Submission, editor: User, move: Move, comment: str = "") -> None:
    """An editor's move: recorded, audited and told to the contributor. Publishing makes the
    item public. Raises InvalidMove when the state does not allow it."""
    move = Move(move)
    if move not in AUDIT_ACTIONS:
        raise InvalidMove(f"{move} is not an editor's move")
    _claim(submission)
    event = submission.move(move, editor, comment)
    if move == Move.PUBLISH:
        publish(submission.item, event.at)
    db.session.flush()
    audit.record(
        AUDIT_ACTIONS[move],
        subject=submission.contributor_id,
        details={"submission": submission.id, "item": submission.item_id, "from": event.from_state.value,
                 "to": event.to_state.value},
    )  # fmt: skip
    item = submission.item
    title = item.title[:200]
    link = (
        absolute_url("hub.item", kind=item.kind.value, slug=item.slug)
        if move == Move.PUBLISH
        else absolute_url("hub.submission", submission_id=submission.id)
    )
    notify(
        submission.contributor,
        NoticeKind.HUB,
        f"hub-review:{event.id}",
        lambda: str(NOTICES[move]) % {"title": title},
        event.comment,
        link,
    )


def _claim(submission: Submission) -> None:
    """Compare-and-swap on the state, so that two editors deciding at once (or a double click)
    make one move: the second UPDATE waits for the first to commit, then matches no row."""
    claimed = db.session.execute(
        sa.update(Submission)
        .where(Submission.id == submission.id, Submission.state == submission.state)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvalidMove("the submission changed meanwhile")


def mine(user: User) -> list[Submission]:
    return list(
        db.session.execute(
            select(Submission)
            .where(Submission.contributor_id == user.id)
            .order_by(Submission.updated_at.desc(), Submission.id.desc())
            .options(db.joinedload(Submission.item))
        ).scalars()
    )


def queue(
    states: tuple[State, ...] = (State.SUBMITTED, State.ACCEPTED, State.CHANGES_REQUESTED),
) -> list[Submission]:
    """What editors have to look at, oldest first."""
    return list(
        db.session.execute(
            select(Submission)
            .where(Submission.state.in_(states))
            .order_by(Submission.updated_at, Submission.id)
            .options(db.joinedload(Submission.item), db.joinedload(Submission.contributor))
        ).scalars()
    )


def editors() -> list[HubEditor]:
    return list(
        db.session.execute(
            select(HubEditor)
            .join(HubEditor.user)
            .order_by(User.full_name)
            .options(db.joinedload(HubEditor.user))
        ).scalars()
    )


def grant_editor(user: User, admin: User) -> bool:
    """Make `user` an editor; False when they already were."""
    if db.session.get(HubEditor, user.id) is not None:
        return False
    db.session.add(HubEditor(user_id=user.id, granted_by_id=admin.id))
    db.session.flush()
    audit.record(audit.Action.HUB_EDITOR_GRANTED, subject=user.id)
    return True


def revoke_editor(user_id: int) -> bool:
    row = db.session.get(HubEditor, user_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    audit.record(audit.Action.HUB_EDITOR_REVOKED, subject=user_id)
    return True
