"""Publishing the participation brief in the hub: administrators only (trainers, who may download
the brief, and hub editors may not publish it). The world adds an unpublished course with enough
enrolments for a brief, so that the administrators' POST really publishes."""

from tests.access import ADMINS, LOGIN, Route, cells, post

URL = "/reports/participation/publish?course=evidence-data"
FORM = {
    "title": "Participation by gender",
    "summary": "Who enrols and completes.",
    "language": "en",
    "licence": "CC-BY-4.0",
    "themes": "gender-equality",
}


def build(world):
    from lms.enrolment.models import Enrolment
    from lms.extensions import db
    from tests import factories

    course = factories.make_course("evidence-data", modules=1, lessons=1, published=False)
    for n in range(12):
        learner = factories.make_user(gender="woman" if n % 2 else "man")
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.flush()


ROUTES = [
    Route("evidence.publish", URL, ADMINS),
    Route(
        "evidence.publish",
        "/reports/participation/publish?country=ZZ",
        cells(LOGIN, 403, 403, 400),
        note="bad filter",
    ),
    post("evidence.publish", URL, cells(LOGIN, 403, 403, 302), FORM),
    post(
        "evidence.publish",
        URL,
        cells(LOGIN, 403, 403, 422),
        {**FORM, "title": "x" * 301},
        note="title too long",
    ),
]
