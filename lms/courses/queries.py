"""Reads behind the catalogue and the course page."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from sqlalchemy import Select, bindparam, exists, or_, select
from sqlalchemy.orm import defer, selectinload

from lms.accounts.models import User
from lms.courses.models import Audience, Course, CourseTrainer, Lesson, Module
from lms.database import contains_pattern
from lms.extensions import db
from lms.policy import has_role
from lms.roles import Role

# Lesson texts kept per worker, at most this many characters in all (the lessons people are
# reading this week); the least recently read go first.
CACHED_LESSON_CHARACTERS = 8_000_000


def catalogue(text: str = "", audience: str = "", language: str = "") -> Select:
    query = select(Course).where(Course.published.is_(True)).order_by(Course.title)
    if text.strip():
        pattern = contains_pattern(text.strip())
        query = query.where(
            or_(Course.title.ilike(pattern, escape="\\"), Course.summary.ilike(pattern, escape="\\"))
        )
    if audience in {a.value for a in Audience}:
        query = query.where(Course.audience == Audience(audience))
    if language:
        query = query.where(Course.language == language)
    return query


def catalogue_languages() -> list[str]:
    return list(
        db.session.execute(
            select(Course.language).where(Course.published.is_(True)).distinct().order_by(Course.language)
        ).scalars()
    )


# Built once: every study page runs it (building a select() costs about as much as running it).
_COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug"))
_LESSON_HTML = select(Lesson.body_html).where(Lesson.id == bindparam("lesson_id"))


def course_by_slug(slug: str, *, with_structure: bool = False) -> Course | None:
    """The course row. Pages read its structure from `lms.courses.outline.outline_of` (plain
    data, cached); `with_structure` loads the ORM objects for code that changes or exports them.
    """
    if not with_structure:
        return db.session.execute(_COURSE_BY_SLUG, {"slug": slug}).scalar_one_or_none()
    query = select(Course).where(Course.slug == slug)
    if with_structure:
        # Lesson texts are large and a page shows at most one: they load only when read.
        query = query.options(
            selectinload(Course.modules)
            .selectinload(Module.lessons)
            .options(defer(Lesson.body), defer(Lesson.body_html)),
            selectinload(Course.modules).selectinload(Module.quiz),
        )
    return db.session.execute(query).scalar_one_or_none()


def lesson_html(lesson_id: int, version: datetime) -> str:
    """A lesson's sanitised HTML, the one large column a lesson page reads, kept in memory per
    course version (`version` is the course's `updated_at`, which any change to one of its
    lessons moves: see lms.courses.outline), so a warm lesson page skips that round trip."""
    key = (lesson_id, version)
    with _texts_lock:
        html = _texts.get(key)
        if html is not None:
            _texts.move_to_end(key)
            return html
    html = db.session.execute(_LESSON_HTML, {"lesson_id": lesson_id}).scalar_one()
    _keep(key, html)
    return html


_texts: OrderedDict[tuple[int, datetime], str] = OrderedDict()
_texts_size = 0
_texts_lock = threading.Lock()


def _keep(key: tuple[int, datetime], html: str) -> None:
    global _texts_size
    if len(html) > CACHED_LESSON_CHARACTERS // 8:  # a huge lesson is read from the database
        return
    with _texts_lock:
        if key in _texts:
            return
        _texts[key] = html
        _texts_size += len(html)
        while _texts_size > CACHED_LESSON_CHARACTERS:
            _old, dropped = _texts.popitem(last=False)
            _texts_size -= len(dropped)


def is_trainer_of(user_id: int, course_id: int) -> bool:
    return db.session.execute(
        select(exists().where(CourseTrainer.user_id == user_id, CourseTrainer.course_id == course_id))
    ).scalar_one()


def taught_courses(user) -> list[Course]:
    """Courses a trainer teaches; every course for an administrator."""
    query = select(Course).order_by(Course.title)
    if not has_role(user, Role.ADMIN):
        query = query.join(CourseTrainer, CourseTrainer.course_id == Course.id).where(
            CourseTrainer.user_id == user.id
        )
    return list(db.session.execute(query).scalars())


def trainers_of(course_id: int) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(CourseTrainer, CourseTrainer.user_id == User.id)
            .where(CourseTrainer.course_id == course_id)
            .order_by(User.full_name)
        ).scalars()
    )
