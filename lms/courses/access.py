"""Who may see a course and who teaches it: the course-level access rules.

They read course trainers, so they sit in the courses layer; `lms.policy` (the core) holds the
role rules they build on. Rules about studying (enrolment) and editing drafts live in
`lms.enrolment.access` and `lms.authoring.access`, each on top of these.
"""

from __future__ import annotations

from lms.courses.queries import is_trainer_of
from lms.policy import has_role
from lms.roles import Role


def teaches(user, course) -> bool:
    """Admins, and trainers assigned to this course."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.TRAINER):
        return False
    return is_trainer_of(user.id, course.id)


def can_see_course(user, course) -> bool:
    """Published courses are public; drafts only for those who teach them."""
    return course.published or teaches(user, course)
