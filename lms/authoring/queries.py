"""Reads for the course editor, and who may edit what.

Access follows lms.authoring.access: a draft is edited by those who teach its course (its owner, the
co-trainers the owner added, and administrators); co-trainers are managed by the owner and
administrators only.
"""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from lms.authoring.models import DraftCourse, DraftLesson, DraftModule, LessonRevision
from lms.courses.models import Course, CourseTrainer
from lms.extensions import db
from lms.policy import has_role
from lms.roles import Role


def draft_by_slug(slug: str) -> DraftCourse | None:
    return db.session.execute(
        select(DraftCourse)
        .join(Course, Course.id == DraftCourse.course_id)
        .where(Course.slug == slug)
        .options(
            joinedload(DraftCourse.course),
            selectinload(DraftCourse.modules).selectinload(DraftModule.lessons),
            selectinload(DraftCourse.images),
        )
    ).scalar_one_or_none()


def editable_drafts(user) -> list[DraftCourse]:
    """The drafts this person may edit: those of courses they teach; all for administrators."""
    query = (
        select(DraftCourse)
        .join(Course, Course.id == DraftCourse.course_id)
        .options(joinedload(DraftCourse.course))
    )
    if not has_role(user, Role.ADMIN):
        query = query.join(CourseTrainer, CourseTrainer.course_id == DraftCourse.course_id).where(
            CourseTrainer.user_id == user.id
        )
    return list(db.session.execute(query.order_by(DraftCourse.title)).scalars())


def revisions(lesson: DraftLesson) -> list[LessonRevision]:
    return list(
        db.session.execute(
            select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson.id)
            .options(joinedload(LessonRevision.author))
            .order_by(LessonRevision.number.desc())
        ).scalars()
    )


def text_of(title: str, minutes: int, body: str) -> list[str]:
    return [f"# {title}\n", f"minutes: {minutes}\n", "\n"] + body.splitlines(keepends=True)


def unified_diff(old: tuple[str, int, str], new: tuple[str, int, str], old_name: str, new_name: str) -> str:
    """What changed between two versions of a lesson (title, minutes and text), as a unified diff."""
    lines = difflib.unified_diff(text_of(*old), text_of(*new), fromfile=old_name, tofile=new_name)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
