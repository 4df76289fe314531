"""Study pages send at most six SQL statements, the same number whatever the size of the course
or the number of the learner's enrolments (issue 14). The outline comes from a per-version
cache, so a warm page reads the session's user, the course, the enrolment, the progress in one
statement and what is particular to the page."""

import pytest

from tests import factories

BUDGET = 6


def measure(client, count_queries, url: str) -> list[str]:
    client.get(url)  # warm up caches that are not per request (the outline)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.statements


@pytest.fixture
def two_sizes(db, login):
    """A learner enrolled in a course of one lesson and one of 96 lessons, signed in."""
    small = factories.make_course("small", modules=1, lessons=1)
    large = factories.make_course("large", modules=8, lessons=12)
    user = factories.make_user()
    factories.enrol(user, small)
    factories.enrol(user, large)
    db.session.commit()
    return login(user)


@pytest.mark.parametrize(
    "url", ["/courses/{slug}/lessons/m1-l1", "/courses/{slug}/quizzes/m1", "/courses/{slug}", "/learning"]
)
def test_study_pages_keep_to_the_budget_whatever_the_course_size(two_sizes, count_queries, url):
    small = measure(two_sizes, count_queries, url.format(slug="small"))
    large = measure(two_sizes, count_queries, url.format(slug="large"))
    assert len(small) == len(large) <= BUDGET, "\n".join(large)


def test_a_lesson_page_after_completions_keeps_to_the_budget(two_sizes, count_queries):
    for number in range(1, 10):
        two_sizes.submit(f"/courses/large/lessons/m1-l{number}/complete")
    statements = measure(two_sizes, count_queries, "/courses/large/lessons/m2-l1")
    assert len(statements) <= BUDGET, "\n".join(statements)


def test_dashboard_does_not_grow_with_the_number_of_enrolments(client, login, db, count_queries):
    user = factories.make_user()
    first = factories.make_course("c0", modules=2, lessons=3)
    factories.enrol(user, first)
    db.session.commit()
    login(user)
    one = measure(client, count_queries, "/learning")
    for n in range(1, 8):
        factories.enrol(user, factories.make_course(f"c{n}", modules=3, lessons=4))
    db.session.commit()
    assert len(measure(client, count_queries, "/learning")) == len(one) <= BUDGET


def test_course_page_for_a_visitor_does_not_grow_with_the_course(client, db, count_queries):
    factories.make_course("small", modules=1, lessons=1)
    factories.make_course("large", modules=6, lessons=10)
    db.session.commit()
    small = measure(client, count_queries, "/courses/small")
    large = measure(client, count_queries, "/courses/large")
    assert len(small) == len(large) <= BUDGET


def test_catalogue_keeps_to_the_budget_whatever_the_number_of_courses(client, login, db, count_queries):
    factories.make_course("c0", modules=1, lessons=1)
    user = factories.make_user()
    db.session.commit()
    login(user)
    one = measure(client, count_queries, "/courses")
    for n in range(1, 15):
        factories.make_course(f"c{n}", modules=2, lessons=2)
    db.session.commit()
    assert len(measure(client, count_queries, "/courses")) == len(one) <= BUDGET


def test_verify_page_keeps_to_the_budget(client, db, count_queries):
    from tests.certificates.conftest import complete_course

    course = factories.make_course("done", modules=2, lessons=3, rule="all-lessons")
    user = factories.make_user()
    complete_course(user, course)
    db.session.commit()
    from lms.certificates.services import current_certificate

    code = current_certificate(user.id, course.id).code
    assert len(measure(client, count_queries, f"/verify/{code}")) <= BUDGET


def test_marking_a_lesson_complete_reads_nothing_twice(client, login, learner, count_queries):
    """The service returns the progress it computed, so the view picks the next step without
    reloading the course or recounting the learner's progress: 8 statements (the user, the
    course, the enrolment, the completion's check and insert in a savepoint, the progress,
    the enrolment's activity), where committing in the view and reloading took 20."""
    login(learner)
    token = client.csrf_token()
    client.get("/courses/ict-basics/lessons/m1-l1")  # the outline is cached from here on
    with count_queries() as counter:
        response = client.post("/courses/ict-basics/lessons/m1-l1/complete", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/lessons/m1-l2")
    repeated = [statement for statement in counter.statements if counter.statements.count(statement) > 1]
    assert repeated == []
    assert counter.count <= 10, "\n".join(counter.statements)


def test_a_warm_lesson_page_reads_the_user_the_course_and_the_learners_state_only(two_sizes, count_queries):
    """The enrolment and what the learner did come in one statement, and the lesson's text from
    the per-version cache: three statements (were five) whatever the number of completions."""
    for number in range(1, 13):
        two_sizes.submit(f"/courses/large/lessons/m1-l{number}/complete")
    statements = measure(two_sizes, count_queries, "/courses/large/lessons/m2-l3")
    assert len(statements) == 3, "\n".join(statements)
    assert not any("body_html" in statement for statement in statements)


def test_the_course_page_of_an_enrolled_learner_reads_enrolment_and_progress_together(
    two_sizes, count_queries
):
    statements = measure(two_sizes, count_queries, "/courses/large")
    assert len(statements) == 4, "\n".join(statements)  # course, user, enrolment + progress, certificate


def test_the_merged_statement_finds_what_the_learner_did_as_the_separate_one(
    client, login, learner, course, db
):
    from lms.learning.progress import done_items, enrolment_and_done

    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    client.submit("/courses/ict-basics/lessons/m1-l2/complete")
    client.submit("/courses/ict-basics/quizzes/m1", {"attempt": "1", "q-q1": "a", "q-q2": "a"})
    client.submit("/courses/ict-basics/quizzes/m2", {"attempt": "1", "q-q1": "b", "q-q2": "b"})  # failed
    enrolment, done = enrolment_and_done(learner.id, course.id)
    assert enrolment.user_id == learner.id and enrolment.course_id == course.id
    assert done == done_items(learner.id, course.id)
    assert len(done[0]) == 2 and len(done[1]) == 1
    assert enrolment_and_done(factories.make_user().id, course.id) is None


def test_republishing_a_lesson_shows_its_new_text_at_once(client, login, learner, course, db):
    from lms.content.importer import ImportReport, apply_course

    login(learner)
    url = "/courses/ict-basics/lessons/m1-l1"
    assert "A sentence added today" not in client.get(url).get_data(as_text=True)
    changed = factories.course_spec("ict-basics", modules=2, lessons=2)
    changed.modules[0].lessons[0].body += "\n\nA sentence added today.\n"
    apply_course(changed, ImportReport())
    db.session.commit()
    assert "A sentence added today" in client.get(url).get_data(as_text=True)


def test_lesson_texts_kept_in_memory_stay_within_their_budget(app_context, monkeypatch):
    from datetime import datetime

    from lms.courses import queries

    monkeypatch.setattr(queries, "CACHED_LESSON_CHARACTERS", 1000)
    monkeypatch.setattr(queries, "_texts", type(queries._texts)())
    monkeypatch.setattr(queries, "_texts_size", 0)
    version = datetime(2026, 1, 1)
    for number in range(20):
        queries._keep((number, version), "x" * 100)
    queries._keep((99, version), "y" * 500)  # more than an eighth of the budget: not kept
    assert queries._texts_size <= 1000 and len(queries._texts) == 10
    assert (19, version) in queries._texts and (0, version) not in queries._texts
    assert (99, version) not in queries._texts
