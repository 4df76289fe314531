"""Builders of participation data: enrolments with progress, attempts and certificates."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from lms.certificates.models import Certificate, CertificateStatus
from lms.enrolment.models import Enrolment, EnrolmentStatus
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests import factories

_codes = itertools.count(1)
BASE = datetime(2024, 1, 10, 9, 30, 15, 500000)


def add_enrolment(
    user,
    course,
    *,
    enrolled=BASE,
    started=None,
    completed=None,
    left=False,
    certificate=None,
    record_key=None,
):
    """`record_key`: fixed, for a test that needs to know the noise; random (the model's) by default."""
    keyed = {} if record_key is None else {"record_key": record_key}
    enrolment = Enrolment(
        **keyed,
        user_id=user.id,
        course_id=course.id,
        enrolled_at=enrolled,
        started_at=started,
        completed_at=completed,
        status=EnrolmentStatus.LEFT if left else EnrolmentStatus.ACTIVE,
        left_at=enrolled + timedelta(days=1) if left else None,
    )
    db.session.add(enrolment)
    if certificate:
        db.session.add(
            Certificate(
                code=f"T{next(_codes):010d}", user_id=user.id, course_id=course.id,
                status=CertificateStatus(certificate), holder_name=user.full_name, course_title=course.title,
                course_version="1.0", hours=1.0, language="en", completed_at=completed or enrolled,
                issuer_name="Centre",
            )
        )  # fmt: skip
    db.session.flush()
    return enrolment


def add_attempt(user, course, quiz, score, number=1):
    db.session.add(
        QuizAttempt(
            quiz_id=quiz.id,
            user_id=user.id,
            course_id=course.id,
            number=number,
            score=score,
            passed=score >= 50,
        )
    )
    db.session.flush()


@pytest.fixture
def course(db):
    made = factories.make_course("data-course", modules=2, lessons=1)
    db.session.commit()
    return made
