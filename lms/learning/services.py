"""Changes to a learner's progress. Functions flush; the request commits once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from lms.columns import utcnow
from lms.courses.models import Course, Lesson
from lms.courses.outline import OutlineLesson
from lms.enrolment.models import Enrolment
from lms.enrolment.services import record_activity
from lms.extensions import db
from lms.learning.events import course_completed
from lms.learning.models import LessonCompletion
from lms.learning.progress import CourseProgress, course_progress


def complete_lesson(user_id: int, lesson: Lesson | OutlineLesson) -> bool:
    """Record the lesson as completed; True if it was not already. Safe to repeat."""
    exists = db.session.get(LessonCompletion, (user_id, lesson.id))
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonCompletion(user_id=user_id, lesson_id=lesson.id, course_id=lesson.course_id))
    except IntegrityError:  # the same click arrived twice at once
        return False
    return True


@dataclass(frozen=True)
class LessonDone:
    """What marking a lesson complete decided: the learner's progress afterwards (the view picks
    the next step from it) and whether this very request completed the course."""

    progress: CourseProgress
    completed_course: bool


def mark_lesson_complete(
    user_id: int, lesson: Lesson | OutlineLesson, enrolment: Enrolment | None, course: Course
) -> LessonDone:
    """Record the lesson as done (safe to repeat), note the activity and complete the course if
    its rule is now met."""
    complete_lesson(user_id, lesson)
    progress = course_progress(course, user_id)
    return LessonDone(progress, progress_made(enrolment, course, lesson.id, progress))


def check_course_completion(
    enrolment: Enrolment, course: Course, progress: CourseProgress | None = None
) -> bool:
    """Mark the enrolment completed if the rule is met and it was not already. `progress` is the
    learner's current progress in `course`, if the caller has it already.

    The conditional UPDATE (`WHERE completed_at IS NULL`) lets exactly one of several
    concurrent requests win, so `course_completed` is sent exactly once.
    """
    if enrolment.completed_at is not None:
        return False
    progress = progress or course_progress(course, enrolment.user_id)
    if not progress.overall.complete or progress.overall.total == 0:
        return False
    result = db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=utcnow(), completed_version=course.version)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(enrolment, ["completed_at", "completed_version"])
    course_completed.send(enrolment)
    return True


def progress_made(
    enrolment: Enrolment | None,
    course: Course,
    lesson_id: int | None = None,
    progress: CourseProgress | None = None,
) -> bool:
    """After a learner finished an item (a lesson, a quiz attempt): note the activity and complete
    the course if its rule is now met. True when the course was completed by this very call.
    Those who study without an active enrolment (trainers, admins) leave no trace."""
    if enrolment is None or not enrolment.active:
        return False
    record_activity(enrolment, lesson_id)
    return check_course_completion(enrolment, course, progress)


def on_attempt_recorded(attempt, *, enrolment: Enrolment | None, course: Course) -> bool:
    """Receiver of `lms.quizzes.events.attempt_recorded`: a quiz attempt is progress too."""
    return progress_made(enrolment, course)
