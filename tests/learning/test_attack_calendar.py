"""An outside tester's attacks on the calendar feed: line breaks and iCalendar syntax in course
and module titles cannot add properties or events; one learner's token never shows another's."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from sqlalchemy import update

from lms.courses.models import Course, Module
from lms.learning import calendar
from tests import factories


def test_crlf_and_ical_syntax_in_titles_stay_inside_the_summary(app, db):
    course = factories.make_course("crlf", modules=1, lessons=1, dues=[date(2027, 2, 1)])
    db.session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(title="C\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Evil")
    )
    db.session.execute(
        update(Module)
        .where(Module.course_id == course.id)
        .values(title="M;X-EVIL=1:\nATTENDEE:mailto:x@example.org")
    )
    user = factories.make_user()
    factories.enrol(user, course)
    db.session.commit()
    token = calendar.reset_feed(user).token
    db.session.commit()
    response = app.test_client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    body = response.get_data()
    unfolded = body.replace(b"\r\n ", b"")
    lines = unfolded.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1
    assert all(not line.startswith((b"ATTENDEE", b"SUMMARY:Evil", b"X-EVIL")) for line in lines)
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert "END:VEVENT" in str(event["SUMMARY"]) and "ATTENDEE:mailto" in str(event["SUMMARY"])
    assert "ATTENDEE" not in event


def test_a_learners_token_shows_only_their_own_courses(app, db):
    mine = factories.make_course("mine", modules=1, lessons=1, dues=[date(2027, 2, 1)], title="My Course")
    theirs = factories.make_course(
        "theirs", modules=1, lessons=1, dues=[date(2027, 2, 2)], title="Their Course"
    )
    me, other = factories.make_user(), factories.make_user()
    factories.enrol(me, mine)
    factories.enrol(other, theirs)
    db.session.commit()
    my_token = calendar.reset_feed(me).token
    their_token = calendar.reset_feed(other).token
    db.session.commit()
    client = app.test_client()
    mine_text = client.get(f"/calendar/{my_token}.ics").get_data(as_text=True)
    assert "My Course" in mine_text and "Their Course" not in mine_text
    # A token one character away from someone's is nobody's.
    near = their_token[:-1] + ("A" if their_token[-1] != "A" else "B")
    assert client.get(f"/calendar/{near}.ics").status_code == 404
    assert client.get(f"/calendar/{their_token[:-1]}.ics").status_code == 404
    assert client.get(f"/calendar/{their_token}A.ics").status_code == 404
    assert client.get(f"/calendar/{other.id}.ics").status_code == 404
