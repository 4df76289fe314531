"""Subscribing (double opt-in), unsubscribing, composing issues and sending them in batches.
Flushes only; the request, CLI command or task commits once.

Who gets an issue (one language per issue): every confirmed subscriber who chose the issue's
language and, if they chose themes, at least one of the themes of the issue's items; never an
address recorded as bounced (lms.mail). A subscriber who chose no theme gets every issue in
their languages.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, exists, func, select, update

from lms import audit, queue
from lms.accounts.services import AccountError, normalise_email
from lms.columns import utcnow
from lms.content.budget import MarkupTooComplex
from lms.content.markup import check_markdown, render_markdown
from lms.errors import DomainError
from lms.extensions import db
from lms.hub.models import Item, Status
from lms.hub.vocabulary import THEMES
from lms.i18n import speaking
from lms.links import absolute_url
from lms.mail import MailBounce, send_mail
from lms.newsletters.models import (
    Delivery,
    Issue,
    IssueItem,
    IssueStatus,
    Subscriber,
    SubscriberChoice,
    SubscriptionRequest,
)
from lms.unit_of_work import unit_of_work

CONFIRM_SALT = "newsletter-confirm"
UNSUBSCRIBE_SALT = "newsletter-unsubscribe"
REQUESTS_PER_ADDRESS = 3  # confirmation mails per address and hour, whoever asks
BATCH_SIZE = 200
MAX_ITEMS = 30


class NewsletterError(DomainError):
    """A rule about newsletters was broken; `field` names the form field concerned."""


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


# --- subscribing --------------------------------------------------------------------------------


def request_subscription(email: str, chosen_languages: list[str], chosen_themes: list[str]) -> None:
    """Record a request and queue its confirmation mail (after the commit). Whether the address
    is new, pending or subscribed changes nothing the caller sees (no enumeration); past
    REQUESTS_PER_ADDRESS in an hour the request is silently dropped, so nobody can flood a
    mailbox. Raises NewsletterError for an invalid address or choice."""
    try:
        address = normalise_email(email)
    except AccountError as error:
        raise NewsletterError(str(error), "email") from None
    codes = [code for code in languages() if code in set(chosen_languages)]
    if not codes or len(codes) != len(set(chosen_languages)):
        raise NewsletterError(_("Choose at least one language."), "languages")
    if not set(chosen_themes) <= set(THEMES):
        raise NewsletterError(_("Choose themes from the list."), "themes")
    themes = [theme for theme in THEMES if theme in set(chosen_themes)]
    recent = db.session.scalar(
        select(func.count())
        .select_from(SubscriptionRequest)
        .where(
            SubscriptionRequest.email == address,
            SubscriptionRequest.created_at > utcnow() - timedelta(hours=1),
        )
    )
    purge_expired_requests()
    if recent >= REQUESTS_PER_ADDRESS:
        current_app.logger.info("Newsletter request dropped: too many for one address this hour")
        return
    request = SubscriptionRequest(email=address, languages=" ".join(codes), themes=" ".join(themes))
    db.session.add(request)
    db.session.flush()
    link = absolute_url("newsletters.confirm", token=confirmation_token(request))
    hours = current_app.config["NEWSLETTER_CONFIRMATION_MAX_AGE"] // 3600
    body = _(
        "Someone, probably you, asked to receive the knowledge hub's newsletter at this address.\n\n"
        "To confirm, open this link within %(hours)d hours:\n%(link)s\n\n"
        "If you did not ask for it, ignore this message: nothing will be sent to you.",
        hours=hours,
        link=link,
    )
    send_mail(address, _("Confirm your newsletter subscription"), body)


def purge_expired_requests() -> int:
    """Delete requests whose link has expired: an address nobody confirmed is not kept."""
    oldest = utcnow() - timedelta(seconds=current_app.config["NEWSLETTER_CONFIRMATION_MAX_AGE"])
    return db.session.execute(
        delete(SubscriptionRequest)
        .where(SubscriptionRequest.created_at < oldest)
        .execution_options(synchronize_session=False)
    ).rowcount


def confirmation_token(request: SubscriptionRequest) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps([request.id])


def read_confirmation(token: str) -> tuple[str, SubscriptionRequest | None]:
    """("ok", request), or ("expired" | "used" | "invalid", None). Writes nothing."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)
    try:
        (request_id,) = serializer.loads(token, max_age=current_app.config["NEWSLETTER_CONFIRMATION_MAX_AGE"])
    except SignatureExpired:
        return "expired", None
    except (BadSignature, ValueError, TypeError):
        return "invalid", None
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        return "invalid", None
    request = db.session.get(SubscriptionRequest, request_id)
    return ("ok", request) if request is not None else ("used", None)


def confirm(request: SubscriptionRequest) -> Subscriber | None:
    """Make (or update) the subscriber from `request` and delete every request for its address,
    so the link works once. None if a concurrent confirmation used it first (nothing changed)."""
    claimed = db.session.execute(
        delete(SubscriptionRequest)
        .where(SubscriptionRequest.id == request.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    address, chosen_languages, chosen_themes = (
        request.email,
        request.languages.split(),
        request.themes.split(),
    )
    db.session.expunge(request)
    db.session.execute(
        delete(SubscriptionRequest)
        .where(SubscriptionRequest.email == address)
        .execution_options(synchronize_session=False)
    )
    subscriber = subscriber_for(address)
    if subscriber is None:
        subscriber = Subscriber(email=address, secret=secrets.token_hex(16), confirmed_at=utcnow())
        db.session.add(subscriber)
    else:
        subscriber.choices.clear()
        db.session.flush()
    subscriber.choices.extend(
        [SubscriberChoice(kind="language", value=code) for code in chosen_languages]
        + [SubscriberChoice(kind="theme", value=theme) for theme in chosen_themes]
    )
    db.session.flush()
    return subscriber


def subscriber_for(address: str) -> Subscriber | None:
    address = (address or "").strip().lower()
    if not address or "\x00" in address:
        return None
    return db.session.scalar(select(Subscriber).where(Subscriber.email == address))


def unsubscribe_token(subscriber: Subscriber) -> str:
    """Does not expire (a mail read months later must still work) and needs no session."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(
        [subscriber.id, subscriber.secret]
    )


def read_unsubscribe_token(token: str) -> tuple[bool, Subscriber | None]:
    """(genuine, subscriber): a forged token is (False, None); a genuine one whose subscriber
    has gone already (unsubscribed, erased) is (True, None)."""
    try:
        subscriber_id, secret = URLSafeSerializer(
            current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT
        ).loads(token)
    except (BadSignature, ValueError, TypeError):
        return False, None
    if not isinstance(subscriber_id, int) or not isinstance(secret, str):
        return False, None
    subscriber = db.session.get(Subscriber, subscriber_id)
    return True, (subscriber if subscriber is not None and subscriber.secret == secret else None)


def unsubscribe(subscriber: Subscriber) -> None:
    """Forget the subscriber (their address, choices and deliveries). Flushes only."""
    db.session.delete(subscriber)
    db.session.flush()


def erase_address(address: str) -> bool:
    """Erase everything kept about `address`: subscription, choices and pending requests.
    Returns whether anything was kept. Flushes only."""
    address = (address or "").strip().lower()
    subscriber = subscriber_for(address)
    if subscriber is not None:
        db.session.delete(subscriber)
    removed = db.session.execute(
        delete(SubscriptionRequest)
        .where(SubscriptionRequest.email == address)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return subscriber is not None or bool(removed)


def personal_data(address: str) -> dict | None:
    """What the data export shows about `address`'s subscription (None: not subscribed)."""
    subscriber = subscriber_for(address)
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "confirmed_at": subscriber.confirmed_at.isoformat(timespec="seconds") + "Z",
        "languages": subscriber.values("language"),
        "themes": subscriber.values("theme"),
    }


# --- issues -------------------------------------------------------------------------------------


def publishable_items() -> list[Item]:
    """Published items an issue may pick, newest first."""
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.status == Status.PUBLISHED, Item.published_at.is_not(None))
            .order_by(Item.published_at.desc(), Item.id.desc())
            .limit(500)
        )
    )


def save_issue(
    issue: Issue | None, *, subject: str, language: str, introduction: str, item_ids: list[int], author
) -> Issue:
    """Create a draft (issue None) or change one; raises NewsletterError. Flushes only."""
    if issue is not None and not issue.is_draft:
        raise NewsletterError(_("This issue has been sent and can no longer be changed."))
    if language not in languages():
        raise NewsletterError(_("Choose a language from the list."), "language")
    if not item_ids:
        raise NewsletterError(_("Choose at least one item."), "items")
    if len(item_ids) > MAX_ITEMS:
        raise NewsletterError(_("Choose at most %(count)d items.", count=MAX_ITEMS), "items")
    published = {item.id: item for item in publishable_items() if item.id in set(item_ids)}
    if len(published) != len(set(item_ids)):
        raise NewsletterError(_("Choose published items only."), "items")
    if (limit := check_markdown(introduction)) is not None:
        raise NewsletterError(str(MarkupTooComplex(limit)), "introduction")
    html = render_markdown(introduction)
    if issue is None:
        number = (db.session.scalar(select(func.max(Issue.number))) or 0) + 1
        issue = Issue(number=number, created_by_id=author.id if author is not None else None)
        db.session.add(issue)
    issue.subject, issue.language, issue.introduction, issue.introduction_html = (
        subject,
        language,
        introduction,
        html,
    )
    issue.entries.clear()
    db.session.flush()
    issue.entries.extend(
        IssueItem(item_id=item_id, position=i) for i, item_id in enumerate(dict.fromkeys(item_ids))
    )
    db.session.flush()
    return issue


def issue_themes(issue: Issue) -> list[str]:
    return sorted({theme for entry in issue.entries for theme in entry.item.themes})


def recipients_query(issue: Issue):
    """Subscribers who get `issue` (module docstring), not yet mailed it, by id."""
    chose = SubscriberChoice
    language = exists().where(
        chose.subscriber_id == Subscriber.id, chose.kind == "language", chose.value == issue.language
    )
    any_theme = exists().where(chose.subscriber_id == Subscriber.id, chose.kind == "theme")
    themes = issue_themes(issue)
    theme_match = exists().where(
        chose.subscriber_id == Subscriber.id, chose.kind == "theme", chose.value.in_(themes or [""])
    )
    bounced = exists().where(MailBounce.address == Subscriber.email)
    delivered = exists().where(Delivery.issue_id == issue.id, Delivery.subscriber_id == Subscriber.id)
    return (
        select(Subscriber)
        .where(language, ~any_theme | theme_match, ~bounced, ~delivered)
        .order_by(Subscriber.id)
    )


def recipient_count(issue: Issue) -> int:
    return db.session.scalar(select(func.count()).select_from(recipients_query(issue).subquery()))


def _body(issue: Issue, unsubscribe_link: str | None) -> str:
    lines = [issue.subject, "=" * min(len(issue.subject), 70), ""]
    if issue.introduction.strip():
        lines += [issue.introduction.strip(), ""]
    for entry in issue.entries:
        item = entry.item
        lines += [f"* {item.title}", f"  {item.summary.strip()}", "  " + _item_url(item), ""]
    lines += [
        "-- ",
        _("Read this issue and past ones on the site:"),
        absolute_url("newsletters.issue", number=issue.number),
    ]
    if unsubscribe_link:
        lines += [_("Stop receiving the newsletter (one click):"), unsubscribe_link]
    else:
        lines += [_("This is a test: subscribers' copies end with their own unsubscribe link.")]
    return "\n".join(lines) + "\n"


def _item_url(item: Item) -> str:
    return absolute_url("hub.item", kind=item.kind.value, slug=item.slug)


def send_test(issue: Issue, address: str) -> None:
    """Mail the issue to `address` (the editor), marked as a test; changes nothing else."""
    with speaking(issue.language):
        subject = _("[Test] %(subject)s", subject=issue.subject)
        send_mail(address, subject, _body(issue, None))


def start_sending(issue: Issue) -> None:
    """Archive the issue and queue its first batch (after the commit). A second call does
    nothing (the issue is no longer a draft). Flushes only."""
    started = db.session.execute(
        update(Issue)
        .where(Issue.id == issue.id, Issue.status == IssueStatus.DRAFT)
        .values(status=IssueStatus.SENDING, sent_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(issue)
    if started == 1:
        audit.record(
            audit.Action.NEWSLETTER_SENT, details={"issue": issue.number, "language": issue.language}
        )
        queue.enqueue("lms.newsletters.send_batch", issue.id)


def send_next_batch(issue: Issue, size: int = BATCH_SIZE) -> int:
    """Queue the mails of the next `size` recipients (after the commit), recording a Delivery for
    each in the same unit of work; returns how many. With none left the issue is sent."""
    batch = list(db.session.scalars(recipients_query(issue).limit(size)))
    if not batch:
        issue.status = IssueStatus.SENT
        db.session.flush()
        return 0
    db.session.add_all(Delivery(issue_id=issue.id, subscriber_id=subscriber.id) for subscriber in batch)
    db.session.flush()  # a concurrent copy of this batch fails here, before anything is queued
    with speaking(issue.language):
        for subscriber in batch:
            link = absolute_url("newsletters.unsubscribe", token=unsubscribe_token(subscriber))
            headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
            send_mail(subscriber.email, issue.subject, _body(issue, link), headers=headers)
    issue.recipients += len(batch)
    db.session.flush()
    return len(batch)


@queue.task("lms.newsletters.send_batch")
def send_batch(issue_id: int) -> int:
    """One batch in its own unit of work, then the next batch as a new task. Idempotent: a
    repeated task finds the Delivery rows of what it queued and skips those subscribers."""
    with unit_of_work():
        issue = db.session.get(Issue, issue_id)
        if issue is None or issue.status != IssueStatus.SENDING:
            return 0
        sent = send_next_batch(issue, current_app.config["NEWSLETTER_BATCH_SIZE"])
        if sent:
            queue.enqueue("lms.newsletters.send_batch", issue_id)
    return sent


def archived() -> list[Issue]:
    return list(
        db.session.scalars(
            select(Issue).where(Issue.status != IssueStatus.DRAFT).order_by(Issue.number.desc())
        )
    )


def all_issues() -> list[Issue]:
    return list(db.session.scalars(select(Issue).order_by(Issue.number.desc())))


def issue_by_number(number: int) -> Issue | None:
    return db.session.scalar(select(Issue).where(Issue.number == number))
