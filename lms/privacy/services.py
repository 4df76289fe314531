"""Erasing a person's personal data on their request. Flushes only; the unit of work commits.

What goes: the name, the email address, the password, every sign-in session, and free text
that may name the person (notes they saved on lesson versions, reasons written on their
certificates, the email kept with exact-figure exports they took, what they wrote in course
discussions: posts, thread titles, reports, and moderators' reasons for hiding their posts).
Discussion posts are blanked rather than deleted, as Moodle's forums do: the thread keeps its
shape, so the replies of others still follow one another and answer what they answered, and
the pages say the text was removed when its author withdrew their personal data. What stays, so that the
participation statistics stay true: the account row with its number, role, gender, country,
institution, profile role and dates, and every enrolment, completion, attempt and certificate
row. A certificate keeps its code, course and dates; verification then says it was issued and
that the holder has withdrawn their personal data, without a name. Audit entries name people
by number only and are not touched (they are append-only; the retention purge ends them).
Notifications (their text names the person), notification settings, a bounce recorded for
the address and a newsletter subscription of the address are deleted; announcements the person
posted stay with their course, without an author. Their hub submissions that were not published
are deleted with their draft items; a published one stays in the hub as the editors published it
(a work published under its licence, which attributes it), with its review comments blanked.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lms import audit
from lms.accounts.models import User
from lms.accounts.sessions import SignInSession
from lms.announcements.models import Announcement
from lms.authoring.models import LessonRevision
from lms.certificates.models import Certificate, CertificateAction
from lms.columns import utcnow
from lms.discussions.models import Post, PostReport, Thread
from lms.errors import DomainError
from lms.extensions import db
from lms.hub.models import Item
from lms.hub.submissions import ReviewEvent, Submission
from lms.hub.submissions import State as SubmissionState
from lms.learning.models import CalendarFeed
from lms.mail import MailBounce
from lms.newsletters.services import erase_address
from lms.notifications.models import Notification, NotificationPreference
from lms.reports.models import ReportExport

# Reserved by RFC 2606: never delivered, and refused by the sign-up form's address check.
WITHDRAWN_DOMAIN = "withdrawn.invalid"


class PrivacyError(DomainError):
    """The erasure cannot be done (already done, or the confirmation is wrong)."""


class AlreadyWithdrawn(PrivacyError):
    status = 409


def _confirm_with_password(user: User, password: str) -> None:
    if not user.has_usable_password or not user.check_password(password or ""):
        raise PrivacyError(_("This password is not correct."), "password")


def erase_own(user: User, password: str) -> None:
    """The signed-in person erases their own data, confirming with their password. Raises
    PrivacyError (wrong password) or AlreadyWithdrawn."""
    _confirm_with_password(user, password)
    erase(user, actor=user)


def erase_for(person: User, *, admin: User, password: str) -> None:
    """An administrator erases `person`'s data on their request, confirming with the
    administrator's own password. Their own account they erase from *Your data*. Raises
    PrivacyError or AlreadyWithdrawn."""
    if person.id == admin.id:
        raise PrivacyError(_("Delete your own account from “Your data” in your account."))
    if person.withdrawn:
        raise AlreadyWithdrawn(_("The personal data of this account has already been erased."))
    _confirm_with_password(admin, password)
    erase(person, actor=admin)


def erase(person: User, *, actor: User | None) -> None:
    """Erase `person`'s personal data (see the module docstring) and log it.

    Safe against a concurrent erasure of the same account: the account row is claimed by a
    conditional UPDATE first, so exactly one of two simultaneous requests erases and the other
    raises AlreadyWithdrawn (409), with nothing changed."""
    now = utcnow()
    address = person.email
    claimed = db.session.execute(
        update(User)
        .where(User.id == person.id, User.withdrawn_at.is_(None))
        .values(
            withdrawn_at=now,
            email=f"withdrawn-{person.id}@{WITHDRAWN_DOMAIN}",
            full_name="",
            password_hash="",
            active=False,
            awaiting_confirmation=False,
            session_token=secrets.token_hex(16),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AlreadyWithdrawn(_("The personal data of this account has already been erased."))
    uid = person.id
    db.session.execute(delete(SignInSession).where(SignInSession.user_id == uid))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == uid))  # its address stops working
    db.session.execute(delete(Notification).where(Notification.user_id == uid))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == uid))
    db.session.execute(delete(MailBounce).where(MailBounce.address == address.lower()))
    erase_address(address)  # a newsletter subscription of the same address, and pending requests
    db.session.execute(
        update(Announcement)
        .where(Announcement.author_id == uid)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    certificates = select(Certificate.id).where(Certificate.user_id == uid).scalar_subquery()
    db.session.execute(
        update(Certificate)
        .where(Certificate.user_id == uid)
        .values(holder_name="", revoked_reason=None, identity_salt="", identity_hash="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CertificateAction)
        .where(CertificateAction.certificate_id.in_(certificates))
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(LessonRevision)
        .where(LessonRevision.author_id == uid)
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ReportExport)
        .where(ReportExport.actor_id == uid)
        .values(actor_email="")
        .execution_options(synchronize_session=False)
    )
    for statement in (
        update(Post)
        .where(Post.author_id == uid)
        .values(body="", body_html="", excerpt=None, hidden_reason=""),
        update(Thread).where(Thread.author_id == uid).values(title=""),
        update(PostReport).where(PostReport.reporter_id == uid).values(reason=""),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    _erase_hub_submissions(uid)
    audit.record(audit.Action.ACCOUNT_DELETED, subject=uid, actor=actor)
    db.session.expire(person)


def _erase_hub_submissions(uid: int) -> None:
    mine = select(Submission.id).where(Submission.contributor_id == uid)
    unpublished = select(Submission.item_id).where(
        Submission.contributor_id == uid, Submission.state != SubmissionState.PUBLISHED
    )
    db.session.execute(
        update(ReviewEvent)
        .where(ReviewEvent.submission_id.in_(mine.scalar_subquery()))
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    for item in db.session.execute(select(Item).where(Item.id.in_(unpublished.scalar_subquery()))).scalars():
        db.session.delete(item)
    db.session.flush()


def record_download(person: User, *, actor: User) -> None:
    audit.record(audit.Action.PERSONAL_DATA_EXPORTED, subject=person, actor=actor)
