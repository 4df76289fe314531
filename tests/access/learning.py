"""Courses, enrolment, lessons, quizzes, teaching and media.

Uses the base world (published `open` with the enrolled learner and its trainer; unpublished
`hidden` taught by the other trainer) and adds the enrolled learner's first quiz attempt, a
stored image and the enrolled learner's calendar address.
"""

import io

from tests.access import ADMIN_ACTION, ADMINS, LOGIN, PUBLIC, SIGNED_IN, TRAINERS, Route, cells, post

# Lessons and quizzes of `open`: its learners and trainers; others are offered enrolment (403).
STUDY = cells(LOGIN, 200, 200, 200, not_enrolled=403, other_trainer=403)
STUDY_ACTION = cells(LOGIN, 302, 302, 302, not_enrolled=403, other_trainer=403)
# `hidden` exists only for those who teach it.
DRAFT = cells(404, 404, 404, 200, other_trainer=200)
DRAFT_STUDY = cells(LOGIN, 404, 404, 200, other_trainer=200)
TEACHERS_OF_OPEN = cells(LOGIN, 403, 200, 200, other_trainer=403)
TEACHERS_OF_HIDDEN = cells(LOGIN, 403, 403, 200, other_trainer=200)
COHORT_CSV = "email,full_name,gender,country,institution,profile_role\nnew.person@example.org,New Person,woman,KE,Moi University,faculty\n"


def build(world):
    from PIL import Image

    from lms.media.services import store_image
    from lms.quizzes import services as quizzes

    quiz = world.course.modules[0].quiz
    quizzes.submit(quiz, world.enrolled, 1, {"q-q1": ["a"], "q-q2": ["b"]})
    png = io.BytesIO()
    Image.new("RGB", (2, 2), "teal").save(png, "PNG")
    world.image = store_image(png.getvalue())
    from lms.learning.calendar import reset_feed

    world.calendar_token = reset_feed(world.enrolled).token


ROUTES = [
    Route("courses.catalogue", "/courses", PUBLIC),
    Route("courses.course", "/courses/open", PUBLIC),
    Route("courses.course", "/courses/hidden", DRAFT, note="unpublished"),
    Route("courses.course", "/courses/nope", cells(404, 404, 404, 404), note="unknown"),
    # Enrolling twice is harmless (a message), so every signed-in column is redirected.
    post("enrolment.enrol", "/courses/open/enrol", cells(LOGIN, 302, 302, 302)),
    post(
        "enrolment.enrol",
        "/courses/hidden/enrol",
        DRAFT_STUDY | {"admin": 302, "other_trainer": 302},
        note="unpublished",
    ),
    post("enrolment.leave", "/courses/open/leave", cells(LOGIN, 302, 404, 404, not_enrolled=404)),
    Route("enrolment.upload_cohort", "/admin/courses/open/cohort", ADMINS),
    Route("enrolment.cohort_template", "/admin/cohort-template.csv", ADMINS),
    post(
        "enrolment.upload_cohort",
        "/admin/courses/open/cohort",
        ADMIN_ACTION,
        lambda w: {"file": (io.BytesIO(COHORT_CSV.encode()), "cohort.csv")},
    ),
    Route("learning.lesson", "/courses/open/lessons/m1-l1", STUDY),
    Route("learning.lesson", "/courses/hidden/lessons/m1-l1", DRAFT_STUDY, note="unpublished"),
    Route(
        "learning.lesson", "/courses/open/lessons/nope", cells(LOGIN, 404, 404, 404), note="unknown lesson"
    ),
    post("learning.complete", "/courses/open/lessons/m1-l1/complete", STUDY_ACTION),
    Route("learning.resume", "/courses/open/continue", STUDY_ACTION),
    Route("learning.dashboard", "/learning", SIGNED_IN),
    Route("learning.calendar_page", "/account/calendar", SIGNED_IN),
    post("learning.reset_calendar", "/account/calendar", cells(LOGIN, 302, 302, 302)),
    # The feed is opened by calendar apps, which cannot sign in: its token is the only key.
    Route("learning.calendar_feed", lambda w: f"/calendar/{w.calendar_token}.ics", PUBLIC),
    Route(
        "learning.calendar_feed", "/calendar/" + "A" * 43 + ".ics", cells(404, 404, 404, 404), note="unknown"
    ),
    Route("quizzes.quiz", "/courses/open/quizzes/m1", STUDY),
    # Attempt 1 is the enrolled learner's second submission of it: shown again, never scored twice.
    post(
        "quizzes.submit", "/courses/open/quizzes/m1", STUDY_ACTION, {"attempt": "1", "q-q1": "a", "q-q2": "a"}
    ),
    post(
        "quizzes.submit",
        "/courses/open/quizzes/m1",
        cells(LOGIN, 400, 400, 400, not_enrolled=403, other_trainer=403),
        {"q-q1": "a", "q-q2": "a"},
        note="no attempt number",
    ),
    Route(
        "quizzes.attempt",
        "/courses/open/quizzes/m1/attempts/1",
        cells(LOGIN, 200, 404, 404, not_enrolled=403, other_trainer=403),
    ),
    Route("teaching.courses", "/teaching", TRAINERS),
    Route("teaching.cohort_page", "/teaching/open/cohort", TEACHERS_OF_OPEN),
    Route("teaching.cohort_page", "/teaching/hidden/cohort", TEACHERS_OF_HIDDEN, note="unpublished"),
    Route("teaching.cohort_csv", "/teaching/open/cohort.csv", TEACHERS_OF_OPEN),
    Route("teaching.cohort_csv", "/teaching/hidden/cohort.csv", TEACHERS_OF_HIDDEN, note="unpublished"),
    Route("teaching.manage_courses", "/admin/courses", ADMINS),
    Route("teaching.trainers", "/admin/courses/open/trainers", ADMINS),
    post(
        "teaching.trainers",
        "/admin/courses/open/trainers",
        ADMIN_ACTION,
        lambda w: {"email": w.other_trainer.email},
    ),
    post(
        "teaching.remove_trainer",
        lambda w: f"/admin/courses/open/trainers/{w.trainer.id}/remove",
        ADMIN_ACTION,
    ),
    Route("media.image", lambda w: f"/media/{w.image.filename}", PUBLIC),
    Route("media.image", "/media/" + "0" * 64 + ".png", cells(404, 404, 404, 404), note="unknown"),
]
