"""Who may do what: the one place where access rules live.

Views use the decorators; templates ask the same functions (exposed as `can`) only to decide
what to show, never as the sole check. Anonymous visitors are sent to the login page;
signed-in users without the right get 403, and objects they may not know exist get 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort
from flask_login import current_user

from lms.extensions import login_manager
from lms.roles import Role


def has_role(user, role: Role) -> bool:
    return bool(user.is_authenticated and Role(user.role).includes(role))


def role_required(role: Role) -> Callable:
    """Let through signed-in, active users holding `role` (or a higher one)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required(Role.LEARNER)
trainer_required = role_required(Role.TRAINER)
admin_required = role_required(Role.ADMIN)


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, so the access-matrix test knows it was a decision."""
    view.is_public = True
    return view


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_policy() -> dict:
        return {"Role": Role, "has_role": has_role}


# Course-level rules. Models are imported inside the functions: the policy module sits below
# every domain and must not import them at load time.


def teaches(user, course) -> bool:
    """Admins, and trainers assigned to this course."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.TRAINER):
        return False
    from lms.teaching.queries import is_trainer_of

    return is_trainer_of(user.id, course.id)


def can_see_course(user, course) -> bool:
    """Published courses are public; drafts only for those who teach them."""
    return course.published or teaches(user, course)


def can_study(user, course, enrolment) -> bool:
    """Lessons and quizzes open to active enrolled learners and to those who teach the course."""
    if not user.is_authenticated:
        return False
    if enrolment is not None and enrolment.active and course.published:
        return True
    return teaches(user, course)


def can_edit_draft(user, draft) -> bool:
    """A course's draft is edited by those who teach the course (owner, co-trainers, admins)."""
    return teaches(user, draft.course)


def can_manage_draft_trainers(user, draft) -> bool:
    """Co-trainers of a course written in the browser are chosen by its owner or an admin."""
    return bool(user.is_authenticated and (has_role(user, Role.ADMIN) or user.id == draft.owner_id))
