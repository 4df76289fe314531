"""Courses, enrolment, lessons, quizzes and teaching.

The world has a published course `open` (learner enrolled, trainer assigned) and a draft `hidden`.
"""

from tests import factories
from tests.access import ADMINS, PUBLIC, SIGNED_IN, TRAINERS, Route

STUDY = dict(anonymous=302, learner=200, trainer=200, admin=200)


def build(world):
    from lms.courses.models import CourseTrainer
    from lms.extensions import db

    world.course = factories.make_course("open", modules=1, lessons=2)
    world.draft = factories.make_course("hidden", modules=1, lessons=1, published=False)
    factories.enrol(world.learner, world.course)
    db.session.add(CourseTrainer(course_id=world.course.id, user_id=world.trainer.id))
    db.session.flush()


ROUTES = [
    Route("courses.catalogue", lambda w: "/courses", PUBLIC),
    Route("courses.course", lambda w: "/courses/open", PUBLIC),
    Route(
        "courses.course",
        lambda w: "/courses/hidden",
        dict(anonymous=404, learner=404, trainer=404, admin=200),
        note="draft",
    ),
    Route(
        "enrolment.enrol",
        lambda w: "/courses/open/enrol",
        dict(anonymous=302, learner=302, trainer=302, admin=302),
        method="POST",
    ),
    Route(
        "enrolment.leave",
        lambda w: "/courses/open/leave",
        dict(anonymous=302, learner=302, trainer=404, admin=404),
        method="POST",
    ),
    Route("enrolment.upload_cohort", lambda w: "/admin/courses/open/cohort", ADMINS),
    Route("learning.lesson", lambda w: "/courses/open/lessons/m1-l1", STUDY),
    Route(
        "learning.lesson",
        lambda w: "/courses/hidden/lessons/m1-l1",
        dict(anonymous=302, learner=404, trainer=404, admin=200),
        note="draft",
    ),
    Route(
        "learning.complete",
        lambda w: "/courses/open/lessons/m1-l1/complete",
        dict(anonymous=302, learner=302, trainer=302, admin=302),
        method="POST",
    ),
    Route(
        "learning.resume",
        lambda w: "/courses/open/continue",
        dict(anonymous=302, learner=302, trainer=302, admin=302),
    ),
    Route("learning.dashboard", lambda w: "/learning", SIGNED_IN),
    Route("quizzes.quiz", lambda w: "/courses/open/quizzes/m1", STUDY),
    Route(
        "quizzes.submit",
        lambda w: "/courses/open/quizzes/m1",
        dict(anonymous=302, learner=400, trainer=400, admin=400),
        method="POST",
        data=lambda w: {"attempt": "1"},
    ),
    Route(
        "quizzes.attempt",
        lambda w: "/courses/open/quizzes/m1/attempts/1",
        dict(anonymous=302, learner=404, trainer=404, admin=404),
    ),
    Route("teaching.courses", lambda w: "/teaching", TRAINERS),
    Route("teaching.cohort_page", lambda w: "/teaching/open/cohort", TRAINERS),
    Route(
        "teaching.cohort_page",
        lambda w: "/teaching/hidden/cohort",
        dict(anonymous=302, learner=403, trainer=403, admin=200),
        note="not assigned",
    ),
    Route("teaching.cohort_csv", lambda w: "/teaching/open/cohort.csv", TRAINERS),
    Route("teaching.manage_courses", lambda w: "/admin/courses", ADMINS),
    Route("teaching.trainers", lambda w: "/admin/courses/open/trainers", ADMINS),
    Route(
        "teaching.remove_trainer",
        lambda w: f"/admin/courses/open/trainers/{w.trainer.id}/remove",
        dict(anonymous=302, learner=403, trainer=403, admin=302),
        method="POST",
    ),
    Route(
        "media.image",
        lambda w: "/media/" + "0" * 64 + ".png",
        dict(anonymous=404, learner=404, trainer=404, admin=404),
    ),
]
