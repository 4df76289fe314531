"""Who may do what by role: the decorators every view starts with.

Views use the decorators; templates ask `has_role` only to decide what to show, never as the
sole check. Anonymous visitors are sent to the login page; signed-in users without the right
get 403, and objects they may not know exist get 404. This module is in the core layer and
imports no domain: rules that need a domain's data are built on it one layer up, next to that
data (`lms.courses.access`: teaching and seeing a course; `lms.enrolment.access`: studying it;
`lms.authoring.access`: editing a draft).
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
