"""Subscribers and issues for newsletter tests, made through the services."""

from __future__ import annotations

from lms.extensions import db
from lms.newsletters import services
from lms.newsletters.models import Subscriber, SubscriptionRequest


def subscribe_confirmed(email: str, languages: list[str], themes: list[str] = ()) -> Subscriber:
    """A confirmed subscriber, as if they had opened the confirmation link (flushes only)."""
    request = SubscriptionRequest(email=email.lower(), languages=" ".join(languages), themes=" ".join(themes))
    db.session.add(request)
    db.session.flush()
    return services.confirm(request)
