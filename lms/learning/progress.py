"""Progress: which required items of a course a learner has done.

Every function runs a fixed number of queries whatever the size of the course or the number
of enrolments; counting happens in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.learning.models import LessonCompletion
from lms.quizzes.models import Quiz, QuizAttempt


@dataclass
class Tally:
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass
class CourseProgress:
    course: Course
    completed_lessons: set[int]
    passed_quizzes: set[int]
    overall: Tally
    modules: dict[int, Tally] = field(default_factory=dict)

    def next_lesson(self, after: Lesson | None = None) -> Lesson | None:
        """The first lesson not yet completed (after `after`, wrapping round), if any."""
        lessons = self.course.lessons
        if after is not None and after in lessons:
            start = lessons.index(after) + 1
            lessons = lessons[start:] + lessons[:start]
        return next((lesson for lesson in lessons if lesson.id not in self.completed_lessons), None)

    def next_quiz(self) -> Quiz | None:
        rule = self.course.completion_rule
        if not rule.counts_quizzes:
            return None
        return next((quiz for quiz in self.course.quizzes if quiz.id not in self.passed_quizzes), None)


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    return set(
        db.session.execute(
            select(LessonCompletion.lesson_id).where(
                LessonCompletion.user_id == user_id, LessonCompletion.course_id == course_id
            )
        ).scalars()
    )


def passed_quiz_ids(user_id: int, course_id: int) -> set[int]:
    return set(
        db.session.execute(
            select(QuizAttempt.quiz_id)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.passed.is_(True),
            )
            .distinct()
        ).scalars()
    )


def course_progress(course: Course, user_id: int) -> CourseProgress:
    """Needs `course` loaded with its modules, lessons and quizzes (two more queries here)."""
    lessons_done = completed_lesson_ids(user_id, course.id)
    quizzes_passed = passed_quiz_ids(user_id, course.id)
    rule = course.completion_rule
    progress = CourseProgress(course, lessons_done, quizzes_passed, Tally())
    for module in course.modules:
        tally = Tally()
        if rule.counts_lessons:
            tally.total += len(module.lessons)
            tally.done += sum(lesson.id in lessons_done for lesson in module.lessons)
        if rule.counts_quizzes and module.quiz is not None:
            tally.total += 1
            tally.done += module.quiz.id in quizzes_passed
        progress.modules[module.id] = tally
        progress.overall.total += tally.total
        progress.overall.done += tally.done
    return progress


def progress_by_course(user_id: int, courses: list[Course]) -> dict[int, Tally]:
    """Overall tallies for many courses at once: four grouped queries, whatever their number."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    lessons = dict(
        db.session.execute(
            select(Lesson.course_id, func.count()).where(Lesson.course_id.in_(ids)).group_by(Lesson.course_id)
        ).all()
    )
    quizzes = dict(
        db.session.execute(
            select(Quiz.course_id, func.count()).where(Quiz.course_id.in_(ids)).group_by(Quiz.course_id)
        ).all()
    )
    lessons_done = dict(
        db.session.execute(
            select(LessonCompletion.course_id, func.count())
            .where(LessonCompletion.user_id == user_id, LessonCompletion.course_id.in_(ids))
            .group_by(LessonCompletion.course_id)
        ).all()
    )
    quizzes_passed = dict(
        db.session.execute(
            select(QuizAttempt.course_id, func.count(distinct(QuizAttempt.quiz_id)))
            .where(
                QuizAttempt.user_id == user_id, QuizAttempt.course_id.in_(ids), QuizAttempt.passed.is_(True)
            )
            .group_by(QuizAttempt.course_id)
        ).all()
    )
    tallies = {}
    for course in courses:
        tally = Tally()
        if course.completion_rule.counts_lessons:
            tally.total += lessons.get(course.id, 0)
            tally.done += lessons_done.get(course.id, 0)
        if course.completion_rule.counts_quizzes:
            tally.total += quizzes.get(course.id, 0)
            tally.done += quizzes_passed.get(course.id, 0)
        tallies[course.id] = tally
    return tallies
