"""Reads behind the administration pages."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from lms.accounts.models import User
from lms.database import contains_pattern
from lms.roles import Role


def users_matching(text: str = "", role: str = "") -> Select:
    """Users whose name or email contains `text` (case-insensitive), newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    text = (text or "").strip()
    if text:
        pattern = contains_pattern(text)
        query = query.where(
            or_(User.email.ilike(pattern, escape="\\"), User.full_name.ilike(pattern, escape="\\"))
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query
