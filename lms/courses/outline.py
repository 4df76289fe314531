"""A course's outline as plain data: its modules, their lessons and quizzes, in order.

Every study page shows or walks the outline, and building it as ORM objects on each request
cost more than the rest of the page. Here it is one query of tuples, kept in memory per course
version: the key is the course row's id and `updated_at`, and any change to a module, lesson
or quiz touches `updated_at` (`touch_changed_courses`), so a new version is a new key and no
worker can serve a stale outline, whichever worker made the change. Old versions fall out of
a small LRU cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.columns import utcnow
from lms.courses.models import Course, Lesson, Module
from lms.extensions import db

# Models whose rows are part of an outline; a higher layer adds its own (lms.quizzes: Quiz).
OUTLINE_MODELS: set[type] = {Module, Lesson}
CACHED_OUTLINES = 256


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    id: int
    course_id: int
    module_id: int
    slug: str
    title: str
    minutes: int


@dataclass(frozen=True, slots=True)
class OutlineQuiz:
    id: int
    title: str
    module_slug: str


@dataclass(frozen=True, slots=True)
class OutlineModule:
    id: int
    slug: str
    title: str
    summary: str
    lessons: tuple[OutlineLesson, ...]
    quiz: OutlineQuiz | None
    lesson_ids: frozenset[int] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lesson_ids", frozenset(lesson.id for lesson in self.lessons))


@dataclass(frozen=True)
class Outline:
    course_id: int
    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...] = field(init=False)
    # Per-version memo for pages (pre-rendered fragments); filled by whoever needs it.
    memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        lessons = tuple(lesson for module in self.modules for lesson in module.lessons)
        object.__setattr__(self, "lessons", lessons)
        object.__setattr__(self, "_lesson_by_slug", {lesson.slug: lesson for lesson in lessons})
        object.__setattr__(self, "_index", {lesson.id: n for n, lesson in enumerate(lessons)})
        object.__setattr__(self, "_module_by_id", {module.id: module for module in self.modules})
        object.__setattr__(self, "_module_by_slug", {module.slug: module for module in self.modules})

    @property
    def quizzes(self) -> list[OutlineQuiz]:
        return [module.quiz for module in self.modules if module.quiz is not None]

    def lesson(self, slug: str) -> OutlineLesson | None:
        return self._lesson_by_slug.get(slug)

    def module(self, slug: str) -> OutlineModule | None:
        return self._module_by_slug.get(slug)

    def module_of(self, lesson: OutlineLesson) -> OutlineModule:
        return self._module_by_id[lesson.module_id]

    def index(self, lesson: OutlineLesson) -> int:
        return self._index[lesson.id]

    def previous(self, lesson: OutlineLesson) -> OutlineLesson | None:
        index = self._index[lesson.id]
        return self.lessons[index - 1] if index > 0 else None

    def next(self, lesson: OutlineLesson) -> OutlineLesson | None:
        index = self._index[lesson.id] + 1
        return self.lessons[index] if index < len(self.lessons) else None


def outline_of(course: Course) -> Outline:
    """The outline of `course` as it is now (cached per course version)."""
    return _load(course.id, course.slug, course.updated_at)


@lru_cache(maxsize=CACHED_OUTLINES)
def _load(course_id: int, _slug: str, _version: datetime) -> Outline:
    quiz = db.metadata.tables["quiz"]  # a higher layer's table: read by name, not imported
    rows = db.session.execute(
        select(
            Module.id,
            Module.slug,
            Module.title,
            Module.summary,
            Lesson.id,
            Lesson.slug,
            Lesson.title,
            Lesson.minutes,
            quiz.c.id,
            quiz.c.title,
        )  # fmt: skip
        .select_from(Module)
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .outerjoin(quiz, quiz.c.module_id == Module.id)
        .where(Module.course_id == course_id)
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()
    modules: dict[int, tuple[tuple, list[OutlineLesson]]] = {}
    for (
        module_id,
        module_slug,
        module_title,
        summary,
        lesson_id,
        slug,
        title,
        minutes,
        quiz_id,
        quiz_title,
    ) in rows:
        entry = modules.setdefault(module_id, ((module_slug, module_title, summary, quiz_id, quiz_title), []))
        if lesson_id is not None:
            entry[1].append(OutlineLesson(lesson_id, course_id, module_id, slug, title, minutes))
    return Outline(
        course_id,
        tuple(
            OutlineModule(
                module_id,
                module_slug,
                module_title,
                summary or "",
                tuple(lessons),
                OutlineQuiz(quiz_id, quiz_title, module_slug) if quiz_id is not None else None,
            )  # fmt: skip
            for module_id, (
                (module_slug, module_title, summary, quiz_id, quiz_title),
                lessons,
            ) in modules.items()
        ),
    )


def touch_changed_courses(session: Session, _context, _instances) -> None:
    """Before a flush: a course whose modules, lessons or quizzes changed gets a new
    `updated_at`, which is its outline's cache key."""
    changed = session.new | session.dirty | session.deleted
    kinds = tuple(OUTLINE_MODELS)
    ids = set()
    for instance in changed:
        if not isinstance(instance, kinds) or (
            instance in session.dirty and not session.is_modified(instance, include_collections=True)
        ):
            continue
        course_id = getattr(instance, "course_id", None)
        if course_id is None and isinstance(instance, Module) and instance.course is not None:
            course_id = instance.course.id
        if course_id is not None:
            ids.add(course_id)
    if not ids:
        return
    now = utcnow()
    with session.no_autoflush:
        for course_id in ids:
            course = session.get(Course, course_id)
            if course is not None and course not in session.deleted:
                course.updated_at = now
