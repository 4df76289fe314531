"""Each learner's private iCalendar feed: made and reset from the account, fetched without
signing in, and read back with the icalendar library (a reader written by others)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import update

from lms.accounts.models import User
from tests import factories


@pytest.fixture
def learner_with_dates(db):
    """A learner in an English course (a due day, a due moment, a module without a date) and
    a French one (a due day)."""
    english = factories.make_course("with-dates", modules=3, lessons=1,
                                    dues=[date(2027, 2, 1), datetime(2027, 3, 1, 14, 0, tzinfo=UTC), None])  # fmt: skip
    french = factories.make_course("avec-dates", modules=1, lessons=1, language="fr",
                                   title="Enseigner à l’ère numérique", dues=[date(2027, 2, 5)])  # fmt: skip
    user = factories.make_user()
    factories.enrol(user, english)
    factories.enrol(user, french)
    db.session.commit()
    return user


def feed_path(client) -> str:
    page = client.get("/account/calendar").get_data(as_text=True)
    match = re.search(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


def events(data: bytes) -> dict:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_account_page_leads_to_the_calendar_and_makes_an_address(client, login, learner_with_dates):
    login(learner_with_dates)
    assert "/account/calendar" in client.get("/account").get_data(as_text=True)
    assert "/calendar/" not in client.get("/account/calendar").get_data(as_text=True)
    assert client.submit("/account/calendar").status_code == 302
    assert feed_path(client).startswith("/calendar/")


def test_the_feed_holds_every_due_date_and_parses_back(app, client, login, learner_with_dates):
    login(learner_with_dates)
    client.submit("/account/calendar")
    path = feed_path(client)
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{43}\.ics", path)  # a random token, not the user id
    anonymous = app.test_client()  # a calendar app: no session
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    found = events(response.data)
    assert len(found) == 3
    by_summary = {str(event["SUMMARY"]): event for event in found.values()}
    day = by_summary["Module 1 · Course with-dates"]
    assert day["DTSTART"].dt == date(2027, 2, 1) and day["DTEND"].dt == date(2027, 2, 2)
    assert day["DTSTART"].params.get("VALUE") == "DATE"
    moment = by_summary["Module 2 · Course with-dates"]
    assert moment["DTSTART"].dt == datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
    french = by_summary["Module 1 · Enseigner à l’ère numérique"]
    assert french["SUMMARY"].params["LANGUAGE"] == "fr" and day["SUMMARY"].params["LANGUAGE"] == "en"
    assert str(french["URL"]).endswith("/courses/avec-dates") and str(french["URL"]).startswith("http")
    for event in found.values():
        assert isinstance(event["DTSTAMP"].dt, datetime) and event["DTSTAMP"].dt.tzinfo is not None
    assert events(anonymous.get(path).data).keys() == found.keys()  # UIDs are stable


def test_uids_stay_when_a_due_date_moves(app, client, login, db, learner_with_dates):
    login(learner_with_dates)
    client.submit("/account/calendar")
    path = feed_path(client)
    before = events(app.test_client().get(path).data)
    spec = factories.course_spec("with-dates", modules=3, lessons=1, dues=[date(2027, 2, 8), None, None])
    from lms.content.importer import ImportReport, apply_course

    apply_course(spec, ImportReport())
    db.session.commit()
    after = events(app.test_client().get(path).data)
    (moved,) = [uid for uid in after if after[uid]["DTSTART"].dt == date(2027, 2, 8)]
    assert moved in before and len(after) == 2


def test_resetting_the_address_makes_the_old_one_404(app, client, login, learner_with_dates):
    login(learner_with_dates)
    client.submit("/account/calendar")
    old = feed_path(client)
    response = client.submit("/account/calendar")
    assert response.status_code == 302
    assert "the old one no longer works" in client.get(response.headers["Location"]).get_data(as_text=True)
    new = feed_path(client)
    assert new != old
    calendar_app = app.test_client()
    assert calendar_app.get(old).status_code == 404
    assert calendar_app.get(new).status_code == 200


def test_resetting_needs_the_csrf_token(client, login, learner_with_dates):
    login(learner_with_dates)
    assert client.post("/account/calendar").status_code == 400


@pytest.mark.parametrize(
    "token",
    ["1", "A" * 43, "A" * 42 + "%20", "A" * 5000, "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE" * 10, "' OR '1'='1"],
)
def test_hostile_or_unknown_tokens_are_404(app, client, login, learner_with_dates, token):
    login(learner_with_dates)
    client.submit("/account/calendar")
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_nul_byte_in_the_address_is_refused_as_everywhere_else(app, client, login, learner_with_dates):
    assert app.test_client().get("/calendar/" + "A" * 42 + "%00.ics").status_code == 400


def test_a_deactivated_account_has_no_feed(app, client, login, db, learner_with_dates):
    login(learner_with_dates)
    client.submit("/account/calendar")
    path = feed_path(client)
    db.session.execute(update(User).where(User.id == learner_with_dates.id).values(active=False))
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_feed_keeps_to_a_fixed_number_of_queries(
    app, client, login, db, learner_with_dates, count_queries
):
    login(learner_with_dates)
    client.submit("/account/calendar")
    path = feed_path(client)
    calendar_app = app.test_client()
    with count_queries() as few:
        calendar_app.get(path)
    for n in range(4):
        course = factories.make_course(f"more-{n}", modules=4, lessons=1,
                                       dues=[date(2027, 4, 1) + timedelta(days=d) for d in range(4)])  # fmt: skip
        factories.enrol(learner_with_dates, course)
    db.session.commit()
    with count_queries() as many:
        assert len(events(calendar_app.get(path).data)) == 3 + 16
    assert few.count == many.count <= 3
