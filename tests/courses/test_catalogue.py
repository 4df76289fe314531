"""Finding a course: the catalogue, its filters and search, and the course page."""

from lms.courses.models import Audience
from tests import factories


def make_catalogue(db):
    factories.make_course("blended", title="Blended course design", audience=Audience.FACULTY)
    factories.make_course(
        "policy", title="Digital policy", summary="Strategy for ministries.", audience=Audience.POLICY_MAKERS
    )
    factories.make_course("cours-fr", title="Pédagogie numérique", language="fr")
    factories.make_course("secret", title="Unpublished draft", published=False)
    db.session.commit()


def test_catalogue_lists_published_courses_only(client, db):
    make_catalogue(db)
    html = client.get("/courses").get_data(as_text=True)
    assert "Blended course design" in html and "Digital policy" in html
    assert "Unpublished draft" not in html


def test_filters_and_search(client, db):
    make_catalogue(db)
    by_audience = client.get("/courses?audience=policy-makers").get_data(as_text=True)
    assert "Digital policy" in by_audience and "Blended" not in by_audience
    by_language = client.get("/courses?language=fr").get_data(as_text=True)
    assert "Pédagogie numérique" in by_language and "Digital policy" not in by_language
    by_text = client.get("/courses?q=ministries").get_data(as_text=True)
    assert "Digital policy" in by_text and "Blended" not in by_text


def test_search_with_wildcards_is_literal_and_empty_results_explain_themselves(client, db):
    make_catalogue(db)
    html = client.get("/courses?q=%25_%25").get_data(as_text=True)
    assert "No course matches your search" in html


def test_course_page_shows_outcomes_modules_hours_and_enrol(client, db, login, make_user):
    make_catalogue(db)
    login(make_user())
    html = client.get("/courses/blended").get_data(as_text=True)
    assert "Learn something." in html and "Module 1" in html and "About 2 hours" in html
    assert 'action="/courses/blended/enrol"' in html


def test_anonymous_visitor_is_invited_to_sign_in(client, db):
    make_catalogue(db)
    assert "Sign in to enrol" in client.get("/courses/blended").get_data(as_text=True)


def test_unknown_or_unpublished_course_is_404(client, db):
    make_catalogue(db)
    assert client.get("/courses/nope").status_code == 404
    assert client.get("/courses/secret").status_code == 404


def test_course_page_shows_an_enrolled_learners_progress_and_the_leave_button(client, login, learner):
    """The visitor's part of the page comes from the learning layer (a registered provider)."""
    login(learner)
    client.submit("/courses/ict-basics/lessons/m1-l1/complete")
    html = client.get("/courses/ict-basics").get_data(as_text=True)
    assert 'id="course-progress"' in html and 'value="16"' in html  # 1 of 6 items
    assert 'action="/courses/ict-basics/leave"' in html
    assert 'action="/courses/ict-basics/enrol"' not in html
