"""Contributions and their review: the state rules, who sees what, nothing public before an
editor publishes, notifications and audit entries at each step, hostile input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from lms.audit.models import AuditEntry
from lms.hub import review
from lms.hub.models import Item, Status
from lms.hub.pdfs import markdown_pdf
from lms.hub.submissions import HubEditor, InvalidMove, Move, ReviewEvent, State, Submission
from lms.notifications.models import Kind as NoticeKind
from lms.notifications.models import Notification
from lms.roles import Role
from tests.hub.contributions import make_submission, practice_data


@pytest.fixture
def people(make_user, db):
    contributor = make_user(full_name="Awa Diop")
    other = make_user(full_name="Other Person")
    editor = make_user(full_name="Hub Editor")
    db.session.add(HubEditor(user_id=editor.id))
    db.session.commit()
    return contributor, other, editor


def _count(model) -> int:
    from lms.extensions import db

    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_moves_follow_the_rules_and_invalid_ones_raise(db, people):
    contributor, _other, editor = people
    submission = make_submission(contributor)
    with pytest.raises(InvalidMove):
        submission.move(Move.PUBLISH, editor)  # not accepted yet
    with pytest.raises(InvalidMove):
        submission.move(Move.REQUEST_CHANGES, editor, "")  # a comment is needed
    with pytest.raises(InvalidMove):
        submission.move(Move.RESUBMIT, contributor)  # nothing was asked
    assert submission.state == State.SUBMITTED
    submission.move(Move.REQUEST_CHANGES, editor, "Add figures.")
    submission.move(Move.RESUBMIT, contributor)
    submission.move(Move.ACCEPT, editor)
    submission.move(Move.PUBLISH, editor)
    with pytest.raises(InvalidMove):
        submission.move(Move.REJECT, editor, "Too late.")
    assert [(e.from_state, e.to_state) for e in submission.events] == [
        (None, State.SUBMITTED),
        (State.SUBMITTED, State.CHANGES_REQUESTED),
        (State.CHANGES_REQUESTED, State.SUBMITTED),
        (State.SUBMITTED, State.ACCEPTED),
        (State.ACCEPTED, State.PUBLISHED),
    ]


def test_submitting_through_the_form_stores_a_draft_nobody_else_reads(client, login, db, people):
    contributor, other, _editor = people
    login(contributor)
    response = client.submit("/hub/submit/practice", practice_data(title="Quiet lanterns"))
    assert response.status_code == 302
    submission = db.session.execute(select(Submission)).scalar_one()
    item = submission.item
    assert item.status == Status.DRAFT and item.published_at is None
    assert item.parts["results"].startswith("The pass rate rose")
    assert item.countries == ["SN"] and item.themes == ["blended-learning", "quality-assurance"]
    page = client.get("/hub/submissions").get_data(as_text=True)
    assert "Quiet lanterns" in page and "Waiting for review" in page
    # Not public: item page, browse, search, feeds, OAI-PMH, sitemap.
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert client.get(f"/hub/practice/{item.slug}").status_code == 404
    for url in ("/hub", "/hub/search?q=lanterns", "/hub/feed.atom", "/oai?verb=ListRecords&metadataPrefix=oai_dc",
                "/sitemap.xml"):  # fmt: skip
        assert "quiet lanterns" not in client.get(url).get_data(as_text=True).lower(), url
    # Another signed-in person neither sees nor edits it.
    login(other)
    assert client.get(f"/hub/submissions/{submission.id}").status_code == 404
    assert client.get(f"/hub/submissions/{submission.id}/edit").status_code == 404
    response = client.submit(f"/hub/submissions/{submission.id}/edit", practice_data(title="Stolen"))
    assert response.status_code == 404
    assert "Quiet lanterns" not in client.get("/hub/submissions").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "Quiet lanterns"
    assert client.get("/hub/review").status_code == 403


def test_missing_required_fields_write_nothing(client, login, db, people):
    login(people[0])
    response = client.submit("/hub/submit/practice", practice_data(results="", themes=[], country=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "Choose at least one theme." in page
    assert _count(Submission) == 0 and _count(Item) == 0


def test_huge_fields_and_nul_bytes_are_refused(client, login, db, people):
    login(people[0])
    response = client.submit("/hub/submit/practice", practice_data(problem="x" * 20_001))
    assert response.status_code == 422
    response = client.submit("/hub/submit/practice", practice_data(title="Nul\x00here"))
    assert response.status_code == 400
    assert _count(Submission) == 0


def test_a_publication_needs_a_real_pdf(client, login, db, people, tmp_path):
    import io

    login(people[0])
    data = practice_data(publication_type="report")
    fake = {**data, "pdf": (io.BytesIO(b"<html>not a pdf</html>"), "report.pdf")}
    response = client.submit("/hub/submit/publication", fake, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _count(Submission) == 0 and _count(Item) == 0
    pdf = markdown_pdf("A report", ["Test"], None, "Inside the PDF: zebrafinch.")
    real = {**data, "pdf": (io.BytesIO(pdf), "report.pdf")}
    response = client.submit("/hub/submit/publication", real, content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.execute(select(Item)).scalar_one()
    assert item.attachments[0].pages >= 1 and "zebrafinch" in item.search_text
    assert "Evening tutors" not in client.get("/hub/search?q=zebrafinch").get_data(as_text=True)


def test_an_editor_asks_for_changes_then_publishes_and_the_contributor_is_told(client, login, db, people):
    contributor, _other, editor = people
    submission = make_submission(contributor, title="Radio lessons")
    db.session.commit()
    sid = submission.id
    login(editor)
    assert "Radio lessons" in client.get("/hub/review").get_data(as_text=True)
    response = client.submit(f"/hub/review/{sid}", {"move": "publish"})
    assert response.status_code == 302  # refused: not accepted yet
    response = client.submit(f"/hub/review/{sid}", {"move": "request-changes", "comment": "Figures, please."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, sid).state == State.CHANGES_REQUESTED
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(contributor)
    response = client.submit(
        f"/hub/submissions/{sid}/edit", practice_data(title="Radio lessons", results="58%.")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, sid).state == State.SUBMITTED
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    login(editor)
    client.submit(f"/hub/review/{sid}", {"move": "accept"})
    client.submit(f"/hub/review/{sid}", {"move": "publish"})
    db.session.expire_all()
    submission = db.session.get(Submission, sid)
    assert submission.state == State.PUBLISHED and submission.item.is_published
    assert client.get(f"/hub/practice/{submission.item.slug}").status_code == 200
    assert "Radio lessons" in client.get("/hub").get_data(as_text=True)
    events = db.session.execute(select(ReviewEvent).where(ReviewEvent.submission_id == sid)).scalars().all()
    assert [e.to_state for e in events] == [
        State.SUBMITTED, State.CHANGES_REQUESTED, State.SUBMITTED, State.ACCEPTED, State.PUBLISHED,
    ]  # fmt: skip
    assert events[1].actor_id == editor.id and events[1].comment == "Figures, please."
    notices = db.session.execute(
        select(Notification).where(Notification.user_id == contributor.id).order_by(Notification.id)
    ).scalars().all()  # fmt: skip
    assert [n.kind for n in notices] == [NoticeKind.HUB] * 3
    assert notices[0].text == "Figures, please." and "Radio lessons" in notices[2].subject
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id)).all()
    hub_actions = [(a, d) for a, d in actions if a.startswith("hub-")]
    assert [a for a, _ in hub_actions] == [
        "hub-changes-requested", "hub-submission-accepted", "hub-submission-published",
    ]  # fmt: skip
    assert hub_actions[-1][1] == {
        "submission": sid,
        "item": submission.item_id,
        "from": "accepted",
        "to": "published",
    }


def test_a_rejected_submission_cannot_be_edited_or_published(client, login, db, people):
    contributor, _other, editor = people
    submission = make_submission(contributor)
    review.decide(submission, editor, Move.REJECT, "Out of scope.")
    db.session.commit()
    login(editor)
    client.submit(f"/hub/review/{submission.id}", {"move": "publish"})
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).state == State.REJECTED
    assert not db.session.get(Submission, submission.id).item.is_published


def test_admins_make_editors_and_the_role_is_not_a_trainer_role(client, login, db, people, make_user):
    _contributor, other, _editor = people
    admin = make_user(role=Role.ADMIN)
    login(admin)
    response = client.submit("/hub/editors", {"email": other.email})
    assert response.status_code == 302
    assert review.is_editor(db.session.get(type(other), other.id))
    assert db.session.get(type(other), other.id).role == Role.LEARNER
    response = client.submit("/hub/editors", {"email": "nobody@example.org"})
    assert response.status_code == 422
    assert client.submit(f"/hub/editors/{other.id}/remove").status_code == 302
    assert db.session.get(HubEditor, other.id) is None


def test_a_decision_on_a_state_that_changed_meanwhile_is_refused(db, people):
    """Two editors decide at once: the second one's session still sees the old state."""
    contributor, _other, editor = people
    submission = make_submission(contributor)
    db.session.commit()
    from lms.extensions import db as database

    database.session.execute(
        update(Submission).where(Submission.id == submission.id).values(state=State.REJECTED)
    )  # another editor's decision, unseen by this session's object
    with pytest.raises(InvalidMove):
        review.decide(submission, editor, Move.ACCEPT)


def test_the_review_queue_and_my_submissions_take_as_many_statements_for_one_as_for_six(
    client, login, db, people, count_queries
):
    contributor, _other, editor = people
    make_submission(contributor, title="First")
    db.session.commit()

    def statements(url, person):
        login(person)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        client.post("/logout", data={"csrf_token": client.csrf_token()})
        return counter.count

    one = statements("/hub/review", editor), statements("/hub/submissions", contributor)
    for number in range(5):
        make_submission(contributor, title=f"More {number}")
    db.session.commit()
    assert (statements("/hub/review", editor), statements("/hub/submissions", contributor)) == one
