"""Self-enrolment: keys, windows, leaving and coming back."""

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.enrolment.models import Enrolment
from tests import factories


def enrolments(db) -> int:
    return db.session.execute(select(func.count()).select_from(Enrolment)).scalar_one()


def test_enrol_opens_the_first_lesson(client, db, login, make_user):
    factories.make_course("open")
    db.session.commit()
    login(make_user())
    response = client.submit("/courses/open/enrol")
    assert response.headers["Location"].endswith("/courses/open/continue")
    assert client.get("/courses/open/continue").headers["Location"].endswith("/courses/open/lessons/m1-l1")
    assert enrolments(db) == 1


def test_enrolment_key_is_required_when_set(client, db, login, make_user):
    factories.make_course("keyed", enrolment_key="SPRING-2026")
    db.session.commit()
    login(make_user())
    wrong = client.submit("/courses/keyed/enrol", {"key": "autumn"}, follow_redirects=True)
    assert "The enrolment key is not correct." in wrong.get_data(as_text=True)
    assert enrolments(db) == 0
    client.submit("/courses/keyed/enrol", {"key": " SPRING-2026 "})
    assert enrolments(db) == 1


def test_enrolment_window_is_respected(client, db, login, make_user):
    factories.make_course("later", enrol_from=date.today() + timedelta(days=3))
    factories.make_course("over", enrol_until=date.today() - timedelta(days=1))
    db.session.commit()
    login(make_user())
    for slug in ("later", "over"):
        page = client.submit(f"/courses/{slug}/enrol", follow_redirects=True).get_data(as_text=True)
        assert "Enrolment for this course is closed." in page
    assert enrolments(db) == 0


def test_enrolling_twice_keeps_one_record(client, db, login, make_user):
    factories.make_course("open")
    db.session.commit()
    login(make_user())
    client.submit("/courses/open/enrol")
    client.submit("/courses/open/enrol")
    assert enrolments(db) == 1


def test_enrol_without_csrf_token_is_refused(client, db, login, make_user):
    factories.make_course("open")
    db.session.commit()
    login(make_user())
    assert client.post("/courses/open/enrol").status_code == 400
    assert enrolments(db) == 0


def test_two_enrol_requests_at_once_both_land_on_the_course(app, client, db, login, make_user, monkeypatch):
    """A double click: both requests look for an enrolment before either has inserted one. The
    second insert waits for the first and then does nothing, instead of a 409 page."""
    import threading

    from lms.enrolment import services

    factories.make_course("open")
    db.session.commit()
    login(make_user())
    token = client.csrf_token()
    cookie = client.get_cookie("session")
    real_lookup = services.enrolment_for
    both_looked = threading.Barrier(2, timeout=10)

    def lookup_then_wait(user_id, course_id):
        found = real_lookup(user_id, course_id)
        if threading.current_thread().name.startswith("click"):
            threading.current_thread().name = "done"  # wait once, at the first lookup
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "enrolment_for", lookup_then_wait)
    statuses = []

    def click():
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        statuses.append(other.post("/courses/open/enrol", data={"csrf_token": token}).status_code)

    clicks = [threading.Thread(target=click, name=f"click-{n}") for n in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert statuses == [302, 302]
    assert enrolments(db) == 1
