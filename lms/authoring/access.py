"""Who may edit a course's draft and choose its co-trainers."""

from __future__ import annotations

from lms.courses.access import teaches
from lms.policy import has_role
from lms.roles import Role


def can_edit_draft(user, draft) -> bool:
    """A course's draft is edited by those who teach the course (owner, co-trainers, admins)."""
    return teaches(user, draft.course)


def can_manage_draft_trainers(user, draft) -> bool:
    """Co-trainers of a course written in the browser are chosen by its owner or an admin."""
    return bool(user.is_authenticated and (has_role(user, Role.ADMIN) or user.id == draft.owner_id))
