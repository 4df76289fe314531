"""Progress: which required items of a course a learner has done.

Every function runs a fixed number of queries whatever the size of the course or the number
of enrolments; counting happens in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, bindparam, cast, distinct, func, literal, select, union_all

from lms.courses.models import CompletionRule, Course, Lesson
from lms.courses.outline import Outline, OutlineLesson, OutlineQuiz, outline_of
from lms.enrolment.models import Enrolment
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
    outline: Outline
    rule: CompletionRule
    completed_lessons: set[int]
    passed_quizzes: set[int]
    overall: Tally
    modules: dict[int, Tally] = field(default_factory=dict)

    def next_lesson(self, after: OutlineLesson | None = None) -> OutlineLesson | None:
        """The first lesson not yet completed (after `after`, wrapping round), if any."""
        lessons = self.outline.lessons
        if after is not None and after.id in {lesson.id for lesson in lessons}:
            start = self.outline.index(after) + 1
            lessons = lessons[start:] + lessons[:start]
        return next((lesson for lesson in lessons if lesson.id not in self.completed_lessons), None)

    def next_quiz(self) -> OutlineQuiz | None:
        if not self.rule.counts_quizzes:
            return None
        return next((quiz for quiz in self.outline.quizzes if quiz.id not in self.passed_quizzes), None)


def done_items(user_id: int, course_id: int) -> tuple[set[int], set[int]]:
    """(completed lesson ids, passed quiz ids) of a learner in a course, in one statement."""
    lessons = select(literal("lesson").label("kind"), LessonCompletion.lesson_id.label("id")).where(
        LessonCompletion.user_id == user_id, LessonCompletion.course_id == course_id
    )
    quizzes = (
        select(literal("quiz").label("kind"), QuizAttempt.quiz_id.label("id"))
        .where(
            QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id, QuizAttempt.passed.is_(True)
        )
        .distinct()
    )
    completed, passed = set(), set()
    for kind, item_id in db.session.execute(union_all(lessons, quizzes)):
        (completed if kind == "lesson" else passed).add(item_id)
    return completed, passed


def _ids(joined: str | None) -> set[int]:
    return {int(item) for item in joined.split(",") if item} if joined else set()


def _enrolment_and_done_statement():
    lessons = (
        select(func.aggregate_strings(cast(LessonCompletion.lesson_id, String), ","))
        .where(
            LessonCompletion.user_id == Enrolment.user_id, LessonCompletion.course_id == Enrolment.course_id
        )
        .scalar_subquery()
    )
    quizzes = (
        select(func.aggregate_strings(cast(QuizAttempt.quiz_id, String), ","))
        .where(
            QuizAttempt.user_id == Enrolment.user_id,
            QuizAttempt.course_id == Enrolment.course_id,
            QuizAttempt.passed.is_(True),
        )
        .scalar_subquery()
    )
    return select(Enrolment, lessons, quizzes).where(
        Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id")
    )


# Built once: study pages run it on every request, and building it cost more than running it.
_ENROLMENT_AND_DONE = _enrolment_and_done_statement()


def enrolment_and_done(user_id: int, course_id: int) -> tuple[Enrolment, tuple[set[int], set[int]]] | None:
    """The learner's enrolment and what they did in the course (as `done_items`) in ONE
    statement: the ids come as two comma-joined strings from correlated subqueries, so the
    statement returns one row however many lessons were done. None without an enrolment (a
    trainer looking at the course): then ask `done_items` if needed."""
    row = db.session.execute(_ENROLMENT_AND_DONE, {"user_id": user_id, "course_id": course_id}).one_or_none()
    if row is None:
        return None
    enrolment, lessons_done, quizzes_passed = row
    return enrolment, (_ids(lessons_done), _ids(quizzes_passed))


def course_progress(
    course: Course,
    user_id: int,
    outline: Outline | None = None,
    done: tuple[set[int], set[int]] | None = None,
) -> CourseProgress:
    """One query, plus the outline's when it is not cached (pass it if the caller has it);
    none when the caller passes `done` (from `enrolment_and_done`)."""
    outline = outline or outline_of(course)
    lessons_done, quizzes_passed = done if done is not None else done_items(user_id, course.id)
    rule = course.completion_rule
    progress = CourseProgress(outline, rule, lessons_done, quizzes_passed, Tally())
    for module in outline.modules:
        tally = Tally()
        if rule.counts_lessons:
            tally.total += len(module.lessons)
            tally.done += len(module.lesson_ids & lessons_done)
        if rule.counts_quizzes and module.quiz is not None:
            tally.total += 1
            tally.done += module.quiz.id in quizzes_passed
        progress.modules[module.id] = tally
        progress.overall.total += tally.total
        progress.overall.done += tally.done
    return progress


def progress_by_course(user_id: int, courses: list[Course]) -> dict[int, Tally]:
    """Overall tallies for many courses at once: two statements whatever their number (what
    each course holds, and what the learner did, each as a union of grouped counts)."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    held = union_all(
        select(literal("lesson").label("kind"), Lesson.course_id, func.count())
        .where(Lesson.course_id.in_(ids))
        .group_by(Lesson.course_id),
        select(literal("quiz").label("kind"), Quiz.course_id, func.count())
        .where(Quiz.course_id.in_(ids))
        .group_by(Quiz.course_id),
    )
    done = union_all(
        select(literal("lesson").label("kind"), LessonCompletion.course_id, func.count())
        .where(LessonCompletion.user_id == user_id, LessonCompletion.course_id.in_(ids))
        .group_by(LessonCompletion.course_id),
        select(
            literal("quiz").label("kind"), QuizAttempt.course_id, func.count(distinct(QuizAttempt.quiz_id))
        )
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id.in_(ids), QuizAttempt.passed.is_(True))
        .group_by(QuizAttempt.course_id),
    )
    totals: dict[tuple[str, int], int] = {(kind, cid): n for kind, cid, n in db.session.execute(held)}
    counts: dict[tuple[str, int], int] = {(kind, cid): n for kind, cid, n in db.session.execute(done)}
    tallies = {}
    for course in courses:
        tally = Tally()
        if course.completion_rule.counts_lessons:
            tally.total += totals.get(("lesson", course.id), 0)
            tally.done += counts.get(("lesson", course.id), 0)
        if course.completion_rule.counts_quizzes:
            tally.total += totals.get(("quiz", course.id), 0)
            tally.done += counts.get(("quiz", course.id), 0)
        tallies[course.id] = tally
    return tallies
