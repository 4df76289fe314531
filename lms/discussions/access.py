"""Who reads, writes and moderates a course's discussions.

Taking part is the same right as studying (`lms.enrolment.access.can_study`): learners with an
active enrolment in the published course, and those who teach it. Moderating (hiding, pinning,
locking, approving, reading reports) is for those who teach it: its trainers and administrators.
Anyone else gets the enrol-first page (403); a course they may not see is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, make_response
from flask_login import current_user

from lms.courses.access import teaches
from lms.courses.models import Course
from lms.enrolment.access import course_for_study, offer_enrolment


@dataclass(frozen=True)
class Participation:
    course: Course
    moderator: bool


def taking_part(slug: str) -> Participation:
    """The course and the visitor's place in its discussions; aborts 404 (unknown or hidden
    course) or 403 with the enrol-first page (not enrolled, or enrolment left)."""
    course, _enrolment, may_study = course_for_study(slug)
    if not may_study:
        abort(make_response(*offer_enrolment(course)))
    return Participation(course, teaches(current_user, course))


def moderating(slug: str) -> Participation:
    """As `taking_part`, and aborts 403 unless the visitor moderates the course."""
    participation = taking_part(slug)
    if not participation.moderator:
        abort(403)
    return participation
