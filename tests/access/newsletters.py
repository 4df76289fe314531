"""The hub's newsletters: subscribing, confirming, unsubscribing and the archive are public (no
account needed); composing and sending are for the hub's editors and administrators
(`lms.hub.review.editor_required`). A draft is 404 in the archive for everyone."""

from tests.access import LOGIN, PUBLIC, Route, cells, post

NOT_FOUND = cells(404, 404, 404, 404)
EDITORS = cells(LOGIN, 403, 403, 200, editor=200)
EDITORS_REDIRECT = cells(LOGIN, 403, 403, 302, editor=302)


def build(world):
    from lms.extensions import db
    from lms.newsletters import services
    from lms.newsletters.models import SubscriptionRequest
    from tests.hub.helpers import make_item
    from tests.hub.newsletter_helpers import subscribe_confirmed

    item = make_item(slug="matrix-newsletter-item")
    world.newsletter_item = item
    sent = services.save_issue(
        None, subject="Matrix issue", language="en", introduction="Hello.", item_ids=[item.id], author=None
    )
    sent.status, sent.sent_at = "sent", sent.created_at
    world.newsletter_sent = sent.number
    draft = services.save_issue(
        None, subject="Matrix draft", language="en", introduction="", item_ids=[item.id], author=None
    )
    world.newsletter_draft = draft.number
    request = SubscriptionRequest(email="matrix-pending@example.org", languages="en", themes="")
    db.session.add(request)
    db.session.flush()
    world.newsletter_confirm = services.confirmation_token(request)
    subscriber = subscribe_confirmed("matrix-subscriber@example.org", ["en"])
    world.newsletter_unsubscribe = services.unsubscribe_token(subscriber)


def _draft(suffix=""):
    return lambda world: f"/hub/newsletters/{world.newsletter_draft}{suffix}"


ROUTES = [
    Route("newsletters.archive", "/hub/newsletters", PUBLIC),
    Route("newsletters.issue", lambda w: f"/hub/newsletters/{w.newsletter_sent}", PUBLIC),
    Route("newsletters.issue", _draft(), NOT_FOUND, note="draft"),
    Route("newsletters.subscribe", "/hub/newsletters/subscribe", PUBLIC),
    post(
        "newsletters.subscribe",
        "/hub/newsletters/subscribe",
        PUBLIC,
        {"email": "matrix-new@example.org", "languages": "en"},
    ),
    Route("newsletters.confirm", lambda w: f"/hub/newsletters/confirm/{w.newsletter_confirm}", PUBLIC),
    Route("newsletters.confirm", "/hub/newsletters/confirm/forged", cells(400, 400, 400, 400), note="forged"),
    post("newsletters.confirm_now", lambda w: f"/hub/newsletters/confirm/{w.newsletter_confirm}", PUBLIC),
    Route(
        "newsletters.unsubscribe",
        lambda w: f"/hub/newsletters/unsubscribe/{w.newsletter_unsubscribe}",
        PUBLIC,
    ),
    post(
        "newsletters.unsubscribe_now",
        lambda w: f"/hub/newsletters/unsubscribe/{w.newsletter_unsubscribe}",
        PUBLIC,
    ),
    post("newsletters.unsubscribe_now", "/hub/newsletters/unsubscribe/forged", NOT_FOUND, note="forged"),
    Route("newsletters.manage", "/hub/newsletters/manage", EDITORS),
    Route("newsletters.new", "/hub/newsletters/new", EDITORS),
    post(
        "newsletters.new",
        "/hub/newsletters/new",
        EDITORS_REDIRECT,
        lambda w: {
            "subject": "New",
            "language": "en",
            "introduction": "",
            "items": str(w.newsletter_item.id),
        },
    ),
    Route("newsletters.edit", _draft("/edit"), EDITORS),
    post(
        "newsletters.edit",
        _draft("/edit"),
        EDITORS_REDIRECT,
        lambda w: {
            "subject": "Edited",
            "language": "en",
            "introduction": "",
            "items": str(w.newsletter_item.id),
        },
    ),
    Route("newsletters.preview", _draft("/preview"), EDITORS),
    post("newsletters.send_test", _draft("/test"), EDITORS_REDIRECT),
    post("newsletters.send", _draft("/send"), EDITORS_REDIRECT),
]
