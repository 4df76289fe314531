"""An outside tester's attacks on removal confirmations and undo: no CSRF token, ids no column
holds, a trainer of another course, a learner; nothing is restored or removed."""

from __future__ import annotations

import pytest

from lms.authoring import removals
from lms.authoring.models import DraftRemoval
from lms.roles import Role

P = "/authoring/phones"


@pytest.fixture
def removal_id(db, draft, trainer):
    removal = removals.remove_lesson(draft.lesson("lesson-1-2"), trainer)
    db.session.commit()
    return removal.id


def _restored(db, removal_id) -> bool:
    db.session.expire_all()
    return db.session.get(DraftRemoval, removal_id).restored_at is not None


def test_a_restore_without_the_csrf_token_restores_nothing(db, editor, removal_id):
    assert editor.post(f"{P}/removed/{removal_id}/restore").status_code == 400
    assert editor.post(f"{P}/removed/{removal_id}/restore", data={"csrf_token": "forged"}).status_code == 400
    assert not _restored(db, removal_id)


@pytest.mark.parametrize("number", [0, 2**31, 2**63, 10**30])
def test_a_removal_id_no_column_holds_is_not_found(db, editor, removal_id, number):
    assert editor.submit(f"{P}/removed/{number}/restore").status_code == 404
    assert not _restored(db, removal_id)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEARNER])
def test_someone_not_teaching_the_course_cannot_see_or_restore(
    db, client, login, make_user, removal_id, role
):
    login(make_user(role=role))
    assert client.get(f"{P}/removed").status_code in (403, 404)
    assert client.submit(f"{P}/removed/{removal_id}/restore").status_code in (403, 404)
    assert not _restored(db, removal_id)


def test_a_remove_needs_the_csrf_token(db, editor, draft):
    page = editor.get(f"{P}/lessons/lesson-1-1/remove")
    assert page.status_code == 200
    assert editor.post(f"{P}/lessons/lesson-1-1/remove").status_code == 400
    db.session.expire_all()
    assert db.session.query(DraftRemoval).count() == 0


def test_restoring_twice_in_a_row_is_refused_the_second_time(db, editor, removal_id):
    assert editor.submit(f"{P}/removed/{removal_id}/restore").status_code == 302
    second = editor.submit(f"{P}/removed/{removal_id}/restore", follow_redirects=True)
    assert second.status_code in (200, 400, 409)
    assert _restored(db, removal_id)
