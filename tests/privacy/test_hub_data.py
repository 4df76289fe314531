"""Hub submissions in a person's data: in the download with their history; erasure deletes the
unpublished ones (with their draft items) and blanks the review comments of published ones."""

from __future__ import annotations

from sqlalchemy import select

from lms.hub import review
from lms.hub.models import Item
from lms.hub.submissions import Move, ReviewEvent, Submission
from lms.privacy.records import personal_data
from lms.privacy.services import erase
from lms.roles import Role
from tests.hub.contributions import make_submission


def test_submissions_are_in_the_download_and_erasure_removes_the_unpublished(db, make_user):
    contributor = make_user(full_name="Awa Diop")
    admin = make_user(role=Role.ADMIN)
    draft = make_submission(contributor, title="Still a draft")
    published = make_submission(contributor, title="Out in the world")
    review.decide(draft, admin, Move.REQUEST_CHANGES, "Ask Awa Diop for figures.")
    review.decide(published, admin, Move.ACCEPT)
    review.decide(published, admin, Move.PUBLISH)
    db.session.commit()
    data = personal_data(contributor)["hub_submissions"]
    assert [(s["title"], s["state"]) for s in data] == [
        ("Still a draft", "changes-requested"),
        ("Out in the world", "published"),
    ]
    assert data[0]["history"][-1]["comment"] == "Ask Awa Diop for figures."
    draft_item, published_id = draft.item_id, published.id
    erase(contributor, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Item, draft_item) is None
    assert [s.id for s in db.session.execute(select(Submission)).scalars()] == [published_id]
    comments = db.session.execute(select(ReviewEvent.comment)).scalars().all()
    assert set(comments) == {""}
    assert db.session.get(Submission, published_id).item.is_published
