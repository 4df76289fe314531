"""Assigning trainers to courses. Functions flush; the request commits."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.accounts.models import User
from lms.courses.models import Course, CourseTrainer
from lms.errors import DomainError
from lms.extensions import db
from lms.policy import has_role
from lms.roles import Role


class TeachingError(DomainError):
    """Who teaches a course cannot change that way; the message says why."""


def assign_trainer(course: Course, user: User | None) -> None:
    """Let `user` (found by the email address typed, or None) teach `course`. Raises TeachingError."""
    if user is None:
        raise TeachingError(_("No account has this email address."), "email")
    if not has_role(user, Role.TRAINER):
        raise TeachingError(
            _("Only accounts with the trainer role can teach; change the role first."), "email"
        )
    if db.session.get(CourseTrainer, (course.id, user.id)) is None:
        db.session.add(CourseTrainer(course_id=course.id, user_id=user.id))
        db.session.flush()


def remove_trainer(course: Course, user_id: int) -> bool:
    link = db.session.get(CourseTrainer, (course.id, user_id))
    if link is None:
        return False
    db.session.delete(link)
    db.session.flush()
    return True
