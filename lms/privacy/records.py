"""Everything the platform holds about one person, as one JSON document with a README.

`FIELDS` is the one description of the document: `personal_data` fills exactly these keys, the
README explains each from it, and a test checks that the two agree, so a field cannot be added
without its explanation. The password is held only as a scrypt hash, which is not exported.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.accounts.sessions import SignInSession
from lms.announcements.models import Announcement
from lms.audit.models import AuditEntry
from lms.authoring.models import DraftLesson, DraftRemoval, LessonRevision
from lms.certificates.models import Certificate, CertificateAction
from lms.columns import utcnow
from lms.courses.models import Course, Lesson
from lms.discussions.models import Post, PostReport, Thread
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.hub.submissions import Submission
from lms.learning.models import LessonCompletion
from lms.mail import bounce_of
from lms.newsletters.services import personal_data as newsletter_data
from lms.notifications.models import Notification, NotificationPreference
from lms.quizzes.models import Quiz, QuizAttempt
from lms.reports.models import ReportExport

FORMAT = "lms-personal-data/1"

# Section -> (what it is, {field: what it means}).
FIELDS: dict[str, tuple] = {
    "account": (
        _l("Your account."),
        {
            "id": _l("The account's number on this platform."),
            "email": _l("The email address you sign in with."),
            "full_name": _l("Your name, as printed on certificates."),
            "role": _l("learner, trainer or admin: what the account may do."),
            "active": _l("Whether the account can sign in."),
            "awaiting_confirmation": _l("Whether the email address is still to be confirmed."),
            "has_password": _l("Whether a password is set (it is stored only as a one-way hash)."),
            "created_at": _l("When the account was created (UTC)."),
            "last_login_at": _l("When you last signed in (UTC)."),
            "language": _l("The interface language you last chose; emails to you are written in it."),
            "email_bounced": _l(
                "If mail to your address came back undelivered: when, and what the server said."
            ),
        },
    ),
    "profile": (
        _l("Your participation profile, used only for aggregate statistics."),
        {
            "gender": _l("The gender you gave: woman, man, another or unstated."),
            "country": _l("The country you gave (ISO 3166 code)."),
            "institution": _l("The institution you gave."),
            "profile_role": _l("Your role in higher education, as you gave it."),
        },
    ),
    "sessions": (
        _l("Devices signed in now."),
        {
            "browser": _l("The browser, as its User-Agent named it."),
            "system": _l("The operating system, as its User-Agent named it."),
            "remember": _l("Whether “Keep me signed in” was ticked."),
            "created_at": _l("When this sign-in started (UTC)."),
            "last_seen_at": _l("When this device was last seen (UTC, to within minutes)."),
            "expires_at": _l("When this sign-in ends by itself (UTC)."),
        },
    ),
    "enrolments": (
        _l("The courses you joined."),
        {
            "course": _l("The course's short name (slug)."),
            "course_title": _l("The course's title."),
            "status": _l("active, or left."),
            "source": _l("self (you enrolled) or cohort (an administrator enrolled you)."),
            "enrolled_at": _l("When you joined (UTC)."),
            "left_at": _l("When you left, if you did (UTC)."),
            "started_at": _l("When you first opened a lesson or took a quiz (UTC)."),
            "last_activity_at": _l("When you last studied the course (UTC)."),
            "completed_at": _l("When you completed the course (UTC)."),
            "completed_version": _l("The version of the course you completed."),
        },
    ),
    "progress": (
        _l("The lessons you completed."),
        {
            "course": _l("The course's short name (slug)."),
            "lesson": _l("The lesson's short name (slug)."),
            "lesson_title": _l("The lesson's title."),
            "completed_at": _l("When you completed it (UTC)."),
        },
    ),
    "quiz_attempts": (
        _l("Your quiz attempts."),
        {
            "course": _l("The course's short name (slug)."),
            "quiz": _l("The quiz's title."),
            "number": _l("Which attempt this was (1, 2, ...)."),
            "score": _l("The score, in percent."),
            "passed": _l("Whether the score reached the pass mark."),
            "answers": _l("Per question: the options you chose and whether the answer was right."),
            "submitted_at": _l("When you submitted it (UTC)."),
        },
    ),
    "certificates": (
        _l("Your certificates, with what happened to each."),
        {
            "code": _l("The verification code printed on the certificate."),
            "status": _l("valid, revoked or superseded (replaced by a corrected one)."),
            "holder_name": _l("The name printed on it."),
            "course_title": _l("The course's title when it was issued."),
            "course_version": _l("The course's version."),
            "hours": _l("The hours of study it states."),
            "language": _l("The language it was issued in."),
            "completed_at": _l("When you completed the course (UTC)."),
            "issued_at": _l("When it was issued (UTC)."),
            "issuer": _l("Who issued it."),
            "revoked_reason": _l("Why it was revoked, if it was."),
            "history": _l("Each action on it: issued, revoked, reinstated, re-issued; when and why."),
        },
    ),
    "lesson_revisions": (
        _l("Lesson versions you saved as a course author."),
        {
            "course": _l("The course's short name (slug)."),
            "lesson": _l("The lesson's short name (slug)."),
            "number": _l("The version's number."),
            "note": _l("The note you gave when saving."),
            "created_at": _l("When you saved it (UTC)."),
        },
    ),
    "draft_removals": (
        _l("Modules, lessons and questions you removed from course drafts as a course author."),
        {
            "course": _l("The course's short name (slug)."),
            "kind": _l("module, lesson or question."),
            "title": _l("Its title (a question's text)."),
            "removed_at": _l("When you removed it (UTC)."),
            "restored_at": _l("When it was restored, if it was (UTC)."),
        },
    ),
    "report_exports": (
        _l("Exports of exact participation figures you took as an administrator."),
        {
            "created_at": _l("When (UTC)."),
            "channel": _l("web or cli."),
            "format": _l("The file format."),
            "filters": _l("The filters of the export."),
        },
    ),
    "discussion_posts": (
        _l("What you wrote in course discussions: the threads you started and your replies."),
        {
            "course": _l("The course's short name (slug)."),
            "thread": _l("The thread's number in the course's discussions."),
            "thread_title": _l("The thread's title."),
            "started_thread": _l("Whether this post started the thread (its title is yours too)."),
            "body": _l("What you wrote (Markdown)."),
            "status": _l("published, held (waiting for a trainer's review) or hidden (by a moderator)."),
            "hidden_reason": _l("Why a moderator hid it, if one did."),
            "answer": _l("Whether it was marked as the thread's answer."),
            "created_at": _l("When you sent it (UTC)."),
        },
    ),
    "discussion_reports": (
        _l("Posts you reported to a course's trainers."),
        {
            "course": _l("The course's short name (slug)."),
            "post": _l("The reported post's number."),
            "reason": _l("The reason you gave."),
            "created_at": _l("When you reported it (UTC)."),
            "resolved_at": _l("When a trainer dealt with it, if one did (UTC)."),
        },
    ),
    "notifications": (
        _l("What the platform told you (the notifications page), newest first."),
        {
            "kind": _l("enrolment, announcement, reply, certificate or reminder."),
            "subject": _l("The notification's subject."),
            "text": _l("Its text."),
            "link": _l("The page it pointed to."),
            "created_at": _l("When (UTC)."),
            "read_at": _l("When you marked it read (UTC)."),
            "emailed_at": _l("When it was emailed to you at once (UTC)."),
            "digested_at": _l("When it was sent in your weekly digest (UTC)."),
        },
    ),
    "notification_settings": (
        _l("How you chose to receive each kind of notification."),
        {
            "kind": _l("The kind of notification."),
            "mode": _l("immediately, weekly (a digest) or never (only on the notifications page)."),
        },
    ),
    "announcements": (
        _l("Announcements you posted to a course's learners."),
        {
            "course": _l("The course's short name (slug)."),
            "title": _l("The announcement's title."),
            "body": _l("Its text (Markdown)."),
            "created_at": _l("When you posted it (UTC)."),
        },
    ),
    "newsletter": (
        _l("Your subscription to the knowledge hub's newsletter, if your address has one."),
        {
            "email": _l("The address the newsletter is sent to."),
            "confirmed_at": _l("When the address was confirmed (UTC)."),
            "languages": _l("The languages you chose."),
            "themes": _l("The themes you chose (none: every theme)."),
        },
    ),
    "hub_submissions": (
        _l("What you submitted to the knowledge hub, with its review history."),
        {
            "kind": _l("practice or publication."),
            "title": _l("The title you gave it."),
            "summary": _l("Its summary."),
            "body": _l("Its text (Markdown): the parts of a practice under their headings."),
            "state": _l("submitted, changes-requested, accepted, published or rejected."),
            "created_at": _l("When you submitted it (UTC)."),
            "history": _l("Each step of its review: when (UTC), the new state and the comment given."),
        },
    ),
    "audit_entries": (
        _l("Entries of the audit log made by you or about you."),
        {
            "at": _l("When (UTC)."),
            "action": _l("What happened, e.g. sign-in, sign-in-failed, password-changed."),
            "by_you": _l("Whether you did it."),
            "about_you": _l("Whether it concerns your account."),
            "address": _l("The network (IP) address it came from."),
            "details": _l("Codes and numbers that say more (never other people's names)."),
        },
    ),
}


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def _rows(query) -> list:
    return list(db.session.execute(query))


def personal_data(user: User) -> dict:
    """The document: the keys of FIELDS, each a dict (account, profile) or a list of dicts."""
    uid = user.id
    data: dict = {"format": FORMAT, "exported_at": _when(utcnow())}
    data["account"] = {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "active": user.active,
        "awaiting_confirmation": user.awaiting_confirmation,
        "has_password": user.has_usable_password,
        "created_at": _when(user.created_at),
        "last_login_at": _when(user.last_login_at),
        "language": user.language,
        "email_bounced": (
            {"at": _when(bounce.recorded_at), "reason": bounce.reason}
            if (bounce := bounce_of(user.email)) is not None
            else None
        ),
    }
    data["profile"] = {
        "gender": user.gender.value,
        "country": user.country,
        "institution": user.institution,
        "profile_role": user.profile_role.value,
    }
    data["sessions"] = [
        {
            "browser": s.browser,
            "system": s.system,
            "remember": s.remember,
            "created_at": _when(s.created_at),
            "last_seen_at": _when(s.last_seen_at),
            "expires_at": _when(s.expires_at),
        }
        for s in db.session.execute(
            select(SignInSession).where(SignInSession.user_id == uid).order_by(SignInSession.id)
        ).scalars()
    ]
    data["enrolments"] = [
        {
            "course": slug,
            "course_title": title,
            "status": e.status.value,
            "source": e.source.value,
            "enrolled_at": _when(e.enrolled_at),
            "left_at": _when(e.left_at),
            "started_at": _when(e.started_at),
            "last_activity_at": _when(e.last_activity_at),
            "completed_at": _when(e.completed_at),
            "completed_version": e.completed_version,
        }
        for e, slug, title in _rows(
            select(Enrolment, Course.slug, Course.title)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.user_id == uid)
            .order_by(Enrolment.enrolled_at, Enrolment.id)
        )
    ]
    data["progress"] = [
        {"course": course, "lesson": lesson, "lesson_title": title, "completed_at": _when(at)}
        for course, lesson, title, at in _rows(
            select(Course.slug, Lesson.slug, Lesson.title, LessonCompletion.completed_at)
            .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .join(Course, Course.id == LessonCompletion.course_id)
            .where(LessonCompletion.user_id == uid)
            .order_by(LessonCompletion.completed_at, Lesson.id)
        )
    ]
    data["quiz_attempts"] = [
        {
            "course": slug,
            "quiz": title,
            "number": a.number,
            "score": a.score,
            "passed": a.passed,
            "answers": a.answers,
            "submitted_at": _when(a.submitted_at),
        }
        for a, slug, title in _rows(
            select(QuizAttempt, Course.slug, Quiz.title)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Course, Course.id == QuizAttempt.course_id)
            .where(QuizAttempt.user_id == uid)
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    ]
    certificates = list(
        db.session.execute(
            select(Certificate)
            .where(Certificate.user_id == uid)
            .order_by(Certificate.issued_at, Certificate.id)
        ).scalars()
    )
    history: dict[int, list] = {}
    if certificates:
        for action in db.session.execute(
            select(CertificateAction)
            .where(CertificateAction.certificate_id.in_([c.id for c in certificates]))
            .order_by(CertificateAction.at, CertificateAction.id)
        ).scalars():
            history.setdefault(action.certificate_id, []).append(
                {"kind": action.kind.value, "at": _when(action.at), "reason": action.reason}
            )
    data["certificates"] = [
        {
            "code": c.code,
            "status": c.status.value,
            "holder_name": c.holder_name,
            "course_title": c.course_title,
            "course_version": c.course_version,
            "hours": c.hours,
            "language": c.language,
            "completed_at": _when(c.completed_at),
            "issued_at": _when(c.issued_at),
            "issuer": c.issuer_name,
            "revoked_reason": c.revoked_reason,
            "history": history.get(c.id, []),
        }
        for c in certificates
    ]
    data["lesson_revisions"] = [
        {
            "course": course,
            "lesson": lesson,
            "number": r.number,
            "note": r.note,
            "created_at": _when(r.created_at),
        }
        for r, lesson, course in _rows(
            select(LessonRevision, DraftLesson.slug, Course.slug)
            .join(DraftLesson, DraftLesson.id == LessonRevision.lesson_id)
            .join(Course, Course.id == DraftLesson.course_id)
            .where(LessonRevision.author_id == uid)
            .order_by(LessonRevision.created_at, LessonRevision.id)
        )
    ]
    data["draft_removals"] = [
        {"course": course, "kind": r.kind, "title": r.title, "removed_at": _when(r.removed_at),
         "restored_at": _when(r.restored_at)}
        for r, course in _rows(
            select(DraftRemoval, Course.slug)
            .join(Course, Course.id == DraftRemoval.course_id)
            .where(DraftRemoval.removed_by_id == uid)
            .order_by(DraftRemoval.removed_at, DraftRemoval.id)
        )
    ]  # fmt: skip
    data["report_exports"] = [
        {"created_at": _when(r.created_at), "channel": r.channel, "format": r.format, "filters": r.filters}
        for r in db.session.execute(
            select(ReportExport).where(ReportExport.actor_id == uid).order_by(ReportExport.id)
        ).scalars()
    ]
    data["discussion_posts"] = [
        {
            "course": slug,
            "thread": p.thread_id,
            "thread_title": title,
            "started_thread": p.opening,
            "body": p.body,
            "status": p.status.value,
            "hidden_reason": p.hidden_reason or None,
            "answer": p.is_answer,
            "created_at": _when(p.created_at),
        }
        for p, title, slug in _rows(
            select(Post, Thread.title, Course.slug)
            .join(Thread, Thread.id == Post.thread_id)
            .join(Course, Course.id == Post.course_id)
            .where(Post.author_id == uid)
            .order_by(Post.created_at, Post.id)
        )
    ]
    data["discussion_reports"] = [
        {
            "course": slug,
            "post": r.post_id,
            "reason": r.reason,
            "created_at": _when(r.created_at),
            "resolved_at": _when(r.resolved_at),
        }
        for r, slug in _rows(
            select(PostReport, Course.slug)
            .join(Course, Course.id == PostReport.course_id)
            .where(PostReport.reporter_id == uid)
            .order_by(PostReport.created_at, PostReport.id)
        )
    ]
    data["notifications"] = [
        {
            "kind": n.kind.value,
            "subject": n.subject,
            "text": n.text,
            "link": n.link,
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
            "emailed_at": _when(n.emailed_at),
            "digested_at": _when(n.digested_at),
        }
        for n in db.session.execute(
            select(Notification)
            .where(Notification.user_id == uid)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        ).scalars()
    ]
    data["notification_settings"] = [
        {"kind": p.kind.value, "mode": p.mode.value}
        for p in db.session.execute(
            select(NotificationPreference)
            .where(NotificationPreference.user_id == uid)
            .order_by(NotificationPreference.kind)
        ).scalars()
    ]
    data["announcements"] = [
        {"course": slug, "title": a.title, "body": a.body, "created_at": _when(a.created_at)}
        for a, slug in _rows(
            select(Announcement, Course.slug)
            .join(Course, Course.id == Announcement.course_id)
            .where(Announcement.author_id == uid)
            .order_by(Announcement.created_at, Announcement.id)
        )
    ]
    data["newsletter"] = [row] if (row := newsletter_data(user.email)) is not None else []
    data["hub_submissions"] = [
        {
            "kind": s.item.kind.value,
            "title": s.item.title,
            "summary": s.item.summary,
            "body": s.item.body,
            "state": s.state.value,
            "created_at": _when(s.created_at),
            "history": [
                {"at": _when(e.at), "state": e.to_state.value, "comment": e.comment} for e in s.events
            ],
        }
        for s in db.session.execute(
            select(Submission)
            .where(Submission.contributor_id == uid)
            .order_by(Submission.created_at, Submission.id)
            .options(selectinload(Submission.item), selectinload(Submission.events))
        ).scalars()
    ]
    data["audit_entries"] = [
        {
            "at": _when(e.at),
            "action": e.action,
            "by_you": e.actor_id == uid,
            "about_you": e.subject_id == uid,
            "address": e.address,
            "details": e.details,
        }
        for e in db.session.execute(
            select(AuditEntry)
            .where(or_(AuditEntry.actor_id == uid, AuditEntry.subject_id == uid))
            .order_by(AuditEntry.at, AuditEntry.id)
        ).scalars()
    ]
    return data


def readme() -> str:
    """The README of the archive, in the reader's language, from FIELDS."""
    lines = [
        _("Your personal data"),
        "",
        _(
            "personal-data.json holds everything this platform keeps about you, as JSON (UTF-8). "
            "Times are in UTC (ISO 8601). A field that is null has no value. Your password is kept "
            "only as a one-way hash, which is not included."
        ),
        "",
    ]
    for section, (meaning, fields) in FIELDS.items():
        lines += [f"{section}: {meaning}"]
        lines += [f"  - {name}: {text}" for name, text in fields.items()]
        lines.append("")
    return "\n".join(lines)


def archive(user: User) -> bytes:
    """A ZIP with personal-data.json and README.txt."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("personal-data.json", json.dumps(personal_data(user), ensure_ascii=False, indent=2))
        zf.writestr("README.txt", readme())
    return buffer.getvalue()
