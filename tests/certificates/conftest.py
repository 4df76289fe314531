"""Fixtures: a small course completed through the real learning services, so the certificate
comes from the `course_completed` event exactly as in production."""

from __future__ import annotations

import pytest

from tests import factories


def complete_course(user, course):
    """Complete every lesson and check completion, as the lesson view does; returns the enrolment."""
    from lms.learning import services as learning

    enrolment = factories.enrol(user, course)
    for lesson in course.lessons:
        learning.complete_lesson(user.id, lesson)
    assert learning.check_course_completion(enrolment, course)
    return enrolment


@pytest.fixture
def small_course(db):
    course = factories.make_course(
        "ict-basics", modules=1, lessons=2, quiz=False, title="ICT Basics for Lecturers"
    )
    db.session.commit()
    return course


@pytest.fixture
def certified(db, small_course):
    """`certified(**user_fields)`: a learner who completed `small_course`; returns (user, certificate)."""
    from lms.certificates.services import current_certificate

    def make(**user_fields):
        user = factories.make_user(**user_fields)
        complete_course(user, small_course)
        db.session.commit()
        return user, current_certificate(user.id, small_course.id)

    return make
