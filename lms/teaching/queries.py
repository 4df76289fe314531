"""Reads about trainers and the cohorts they teach."""

from __future__ import annotations

from sqlalchemy import exists, select

from lms.extensions import db
from lms.teaching.models import CourseTrainer


def is_trainer_of(user_id: int, course_id: int) -> bool:
    return db.session.execute(
        select(exists().where(CourseTrainer.user_id == user_id, CourseTrainer.course_id == course_id))
    ).scalar_one()


def taught_courses(user) -> list:
    """Courses a trainer teaches; every course for an administrator."""
    from lms.courses.models import Course
    from lms.policy import has_role
    from lms.roles import Role

    query = select(Course).order_by(Course.title)
    if not has_role(user, Role.ADMIN):
        query = query.join(CourseTrainer, CourseTrainer.course_id == Course.id).where(
            CourseTrainer.user_id == user.id
        )
    return list(db.session.execute(query).scalars())


def trainers_of(course_id: int) -> list:
    from lms.accounts.models import User

    return list(
        db.session.execute(
            select(User)
            .join(CourseTrainer, CourseTrainer.user_id == User.id)
            .where(CourseTrainer.course_id == course_id)
            .order_by(User.full_name)
        ).scalars()
    )
