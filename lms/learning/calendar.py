"""Each learner's private calendar feed (RFC 5545) of their modules' due dates.

Calendar apps subscribe to a URL and cannot sign in, so the URL itself is the key: a random
token stored per learner (`CalendarFeed`), never a user id. Resetting it draws a new token, and
the old URL then answers 404 like any unknown one. The feed is made with the `icalendar`
library; each event's UID is stable (course id and module slug), so a calendar app updates a
changed due date instead of adding a second event.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from lms.accounts.models import User
from lms.columns import utcnow
from lms.extensions import db
from lms.learning import deadlines
from lms.learning.models import CalendarFeed
from lms.links import absolute_url

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def reset_feed(user: User) -> CalendarFeed:
    """Give `user` a new calendar address (their first, or one replacing the old). Flushes."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.flush()
    return feed


def owner_of(token: str) -> User | None:
    """The learner whose feed `token` opens; None for anything else (malformed, reset, erased,
    deactivated), so that every such request gets the same 404."""
    if not TOKEN.match(token):
        return None
    user = db.session.execute(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id).where(CalendarFeed.token == token)
    ).scalar_one_or_none()
    if user is None or not user.active or user.withdrawn:
        return None
    return user


def feed_url(feed: CalendarFeed) -> str:
    return absolute_url("learning.calendar_feed", token=feed.token)


def calendar_of(user: User, name: str) -> bytes:
    """The learner's due dates as an iCalendar document: an all-day event for a due day, a
    point in time (UTC) for a due moment; the titles keep their course's language."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//lms//due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for deadline in deadlines.of_learner(user.id):
        event = Event()
        event.add("uid", f"due-{deadline.course_id}-{deadline.module_slug}@{host}")
        stamp = (deadline.course_updated_at or utcnow()).replace(tzinfo=UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        if deadline.due_at is not None:
            event.add("dtstart", deadline.due_at.replace(tzinfo=UTC))
        else:
            event.add("dtstart", deadline.due_on)
            event.add("dtend", deadline.due_on + timedelta(days=1))
        language = {"LANGUAGE": deadline.course_language}
        event.add("summary", f"{deadline.module_title} · {deadline.course_title}", parameters=language)
        url = absolute_url("courses.course", slug=deadline.course_slug)
        event.add("url", url)
        event.add("description", url)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(event)
    return calendar.to_ical()
