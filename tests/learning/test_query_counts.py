"""The lesson page and the dashboard cost the same number of queries whatever the size."""

import pytest

from tests import factories


def measure(client, count_queries, url: str) -> int:
    client.get(url)  # warm up caches that are not per request
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/courses/{slug}/lessons/m1-l1", "/courses/{slug}/quizzes/m1"])
def test_study_pages_do_not_grow_with_the_course(client, login, db, count_queries, url):
    small = factories.make_course("small", modules=1, lessons=1)
    large = factories.make_course("large", modules=8, lessons=12)
    user = factories.make_user()
    factories.enrol(user, small)
    factories.enrol(user, large)
    db.session.commit()
    login(user)
    assert measure(client, count_queries, url.format(slug="small")) == measure(
        client, count_queries, url.format(slug="large")
    )


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
    assert measure(client, count_queries, "/learning") == one


def test_course_page_does_not_grow_with_the_course(client, login, db, count_queries):
    factories.make_course("small", modules=1, lessons=1)
    factories.make_course("large", modules=6, lessons=10)
    db.session.commit()
    assert measure(client, count_queries, "/courses/small") == measure(
        client, count_queries, "/courses/large"
    )


def test_marking_a_lesson_complete_reads_nothing_twice(client, login, learner, count_queries):
    """The service returns the progress it computed, so the view picks the next step without
    reloading the course or recounting the learner's progress: 13 statements (the user, the
    course's structure in 4, the enrolment, the completion's check and insert in a savepoint,
    the progress in 2, the enrolment's activity), where committing in the view and reloading
    took 20."""
    login(learner)
    token = client.csrf_token()
    with count_queries() as counter:
        response = client.post("/courses/ict-basics/lessons/m1-l1/complete", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/lessons/m1-l2")
    repeated = [statement for statement in counter.statements if counter.statements.count(statement) > 1]
    assert repeated == []
    assert counter.count == 13, "\n".join(counter.statements)
