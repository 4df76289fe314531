"""From completing a course to sharing its certificate: the pages a learner sees link to it."""

from __future__ import annotations

import re

from tests import factories


def complete_through_the_lesson_pages(client, course):
    """Mark every lesson complete as the learner does; return the last response."""
    response = None
    for lesson in course.lessons:
        response = client.submit(f"/courses/{course.slug}/lessons/{lesson.slug}/complete", {})
    return response


def test_completing_the_last_lesson_lands_on_a_page_that_links_to_the_certificate(
    client, login, db, small_course
):
    from lms.certificates.services import current_certificate

    user = factories.make_user(full_name="Amina Yusuf")
    factories.enrol(user, small_course)
    db.session.commit()
    login(user)
    response = complete_through_the_lesson_pages(client, small_course)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    cert = current_certificate(user.id, small_course.id)
    assert "Congratulations! You have completed this course." in page
    assert 'id="certificate"' in page
    assert f'href="/certificates/{cert.id}.pdf"' in page
    assert f"http://localhost/verify/{cert.code}</a>" in page  # the whole link, as text


def test_my_learning_card_of_a_completed_course_links_to_its_certificate(client, login, certified):
    user, _cert = certified()
    page = login(user).get("/learning").get_data(as_text=True)
    assert 'href="/courses/ict-basics#certificate"' in page


def test_the_share_box_shows_the_whole_link_without_javascript_and_loads_the_copy_script(
    client, login, certified
):
    user, cert = certified()
    page = login(user).get("/certificates").get_data(as_text=True)
    box = page.split('class="share-box"', 1)[1].split('class="share-status"', 1)[0]
    assert re.search(rf'<p class="share-link"[^>]*><a href="http://localhost/verify/{cert.code}"', box)
    assert "<button" not in box  # the button comes from the script, so no dead button without it
    assert re.search(r'<script src="/static/js/copy-link.js\?v=[0-9a-f]{12}" defer></script>', page)


def test_other_visitors_see_no_certificate_panel_on_the_course_page(client, login, certified, make_user):
    _holder, _cert = certified()
    assert 'id="certificate"' not in login(make_user()).get("/courses/ict-basics").get_data(as_text=True)
    client.submit("/logout")
    assert 'id="certificate"' not in client.get("/courses/ict-basics").get_data(as_text=True)


def test_a_revoked_certificate_is_not_offered_for_sharing_on_the_course_page(
    client, login, certified, make_user
):
    user, cert = certified()
    admin = make_user(role="admin")
    assert (
        login(admin).submit(f"/admin/certificates/{cert.id}/revoke", {"reason": "Error."}).status_code == 302
    )
    client.submit("/logout")
    page = login(user).get("/courses/ict-basics").get_data(as_text=True)
    assert "has been revoked" in page and "share-box" not in page


def test_passing_the_quiz_that_completes_a_course_links_to_the_certificate(client, login, db):
    course = factories.make_course("quiz-only", modules=1, lessons=1, quiz=True, rule="all-quizzes")
    user = factories.make_user()
    factories.enrol(user, course)
    db.session.commit()
    login(user)
    response = client.submit("/courses/quiz-only/quizzes/m1", {"attempt": "1", "q-q1": "a", "q-q2": "a"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have completed this course." in page
    assert 'href="/courses/quiz-only#certificate"' in page
    assert 'id="certificate"' in client.get("/courses/quiz-only").get_data(as_text=True)
