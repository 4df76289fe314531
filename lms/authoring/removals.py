"""Removing modules, lessons and questions from a draft, and undoing it.

A removal first copies what it removes into a DraftRemoval (lms/authoring/models.py): a lesson
with its revisions, a module with its lessons (each with its revisions) and its quiz, or a
question, with the place each stood. Restoring puts the copy back where it stood (or last, if
the draft is shorter now) under its own slug, so progress and attempts recorded against the
published course find it again after the next publication, and adds a revision saying so.
Like the other services, these only flush; a refusal raises AuthoringError.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.authoring import services
from lms.authoring.models import DraftCourse, DraftLesson, DraftModule, DraftRemoval, LessonRevision
from lms.authoring.services import AuthoringError, _next_slug, _renumber, mark_changed
from lms.columns import utcnow
from lms.extensions import db

MODULE, LESSON, QUESTION = "module", "lesson", "question"


# --- copies --------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lesson_copy(lesson: DraftLesson) -> dict:
    revisions = db.session.execute(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id).order_by(LessonRevision.number)
    ).scalars()
    return {
        "slug": lesson.slug, "title": lesson.title, "minutes": lesson.minutes, "body": lesson.body,
        "revision": lesson.revision,
        "revisions": [
            {"number": r.number, "title": r.title, "minutes": r.minutes, "body": r.body,
             "author_id": r.author_id, "created_at": r.created_at.isoformat()}
            for r in revisions
        ],
    }  # fmt: skip


def _module_copy(module: DraftModule) -> dict:
    return {
        "slug": module.slug, "title": module.title, "summary": module.summary,
        "due_on": _iso(module.due_on), "due_at": _iso(module.due_at), "quiz": module.quiz,
        "lessons": [_lesson_copy(lesson) for lesson in module.lessons],
    }  # fmt: skip


def _record(draft: DraftCourse, kind: str, title: str, snapshot: dict, by: User) -> DraftRemoval:
    removal = DraftRemoval(course_id=draft.course_id, kind=kind, title=title[:200], snapshot=snapshot,
                           removed_by_id=by.id)  # fmt: skip
    db.session.add(removal)
    return removal


# --- removing ------------------------------------------------------------------------------


def remove_module(module: DraftModule, by: User) -> DraftRemoval:
    draft = module.draft
    removal = _record(
        draft, MODULE, module.title, {"position": module.position, "module": _module_copy(module)}, by
    )
    services.remove_module(module)
    return removal


def remove_lesson(lesson: DraftLesson, by: User) -> DraftRemoval:
    module = lesson.module
    snapshot = {"module": module.slug, "position": lesson.position, "lesson": _lesson_copy(lesson)}
    removal = _record(module.draft, LESSON, lesson.title, snapshot, by)
    services.remove_lesson(lesson)
    return removal


def remove_question(module: DraftModule, slug: str, by: User) -> DraftRemoval:
    questions = module.quiz["questions"]
    index = next(i for i, question in enumerate(questions) if question["slug"] == slug)
    snapshot = {"module": module.slug, "position": index, "question": dict(questions[index])}
    removal = _record(module.draft, QUESTION, questions[index]["prompt"], snapshot, by)
    services.remove_question(module, slug)
    return removal


# --- the history and restoring ---------------------------------------------------------------


def removals(draft: DraftCourse) -> list[DraftRemoval]:
    """The draft's removals, newest first, with who removed each (one query)."""
    return list(
        db.session.execute(
            select(DraftRemoval)
            .where(DraftRemoval.course_id == draft.course_id)
            .options(joinedload(DraftRemoval.removed_by))
            .order_by(DraftRemoval.removed_at.desc(), DraftRemoval.id.desc())
        ).scalars()
    )


def removal_of(draft: DraftCourse, removal_id: int) -> DraftRemoval | None:
    """The removal with this id if it belongs to this draft (None for another course's)."""
    return db.session.execute(
        select(DraftRemoval).where(DraftRemoval.id == removal_id, DraftRemoval.course_id == draft.course_id)
    ).scalar_one_or_none()


def restore(draft: DraftCourse, removal: DraftRemoval, by: User) -> None:
    """Put a removed item back. Refused (AuthoringError) when it was restored already, when its
    module is gone, or when its slug has been given to something else since."""
    # Compare-and-swap: of two restores of the same removal (a double click) exactly one goes on.
    claimed = db.session.execute(
        update(DraftRemoval)
        .where(DraftRemoval.id == removal.id, DraftRemoval.restored_at.is_(None))
        .values(restored_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(removal)
    if claimed != 1:
        raise AuthoringError(_("“%(title)s” was restored already.", title=removal.title))
    snapshot = removal.snapshot
    if removal.kind == MODULE:
        _restore_module(draft, snapshot, by)
    elif removal.kind == LESSON:
        _restore_lesson(draft, _module_named(draft, snapshot["module"], removal.title), snapshot["lesson"],
                        snapshot["position"], by)  # fmt: skip
    else:
        _restore_question(draft, _module_named(draft, snapshot["module"], removal.title), snapshot)
    mark_changed(draft)
    db.session.flush()


def _module_named(draft: DraftCourse, slug: str, title: str) -> DraftModule:
    module = draft.module(slug)
    if module is None:
        raise AuthoringError(
            _("The module “%(title)s” was in has been removed; restore that module first.", title=title)
        )
    return module


def _place(items: list, item, position: int) -> None:
    """Insert `item` at `position` (1-based; last if the list is shorter now) and renumber."""
    items.insert(max(0, min(position - 1, len(items))), item)
    _renumber(items)


def _restore_module(draft: DraftCourse, snapshot: dict, by: User) -> None:
    copy = snapshot["module"]
    if draft.module(copy["slug"]) is not None:
        raise AuthoringError(_("Another module now uses the address “%(slug)s”; nothing was restored.",
                               slug=copy["slug"]))  # fmt: skip
    due_on = date.fromisoformat(copy["due_on"]) if copy.get("due_on") else None
    due_at = datetime.fromisoformat(copy["due_at"]) if copy.get("due_at") else None
    module = DraftModule(slug=copy["slug"], title=copy["title"], summary=copy["summary"], due_on=due_on,
                         due_at=due_at, quiz=copy.get("quiz"))  # fmt: skip
    _place(draft.modules, module, snapshot["position"])
    db.session.flush()
    for position, lesson in enumerate(copy["lessons"], start=1):
        _restore_lesson(draft, module, lesson, position, by)


def _restore_lesson(draft: DraftCourse, module: DraftModule, copy: dict, position: int, by: User) -> None:
    if draft.lesson(copy["slug"]) is not None:
        raise AuthoringError(_("Another lesson now uses the address “%(slug)s”; nothing was restored.",
                               slug=copy["slug"]))  # fmt: skip
    number = copy["revision"] + 1
    lesson = DraftLesson(course_id=draft.course_id, slug=copy["slug"], title=copy["title"], minutes=copy["minutes"],
                         body=copy["body"], revision=number)  # fmt: skip
    _place(module.lessons, lesson, position)
    db.session.flush()
    authors = {r["author_id"] for r in copy["revisions"] if r["author_id"] is not None}
    existing = (
        set(db.session.execute(select(User.id).where(User.id.in_(authors))).scalars()) if authors else set()
    )
    for r in copy["revisions"]:
        db.session.add(
            LessonRevision(
                lesson_id=lesson.id,
                number=r["number"],
                title=r["title"],
                minutes=r["minutes"],
                body=r["body"],
                author_id=r["author_id"] if r["author_id"] in existing else None,
                created_at=datetime.fromisoformat(r["created_at"]),
            )  # fmt: skip
        )
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=number,
            title=copy["title"],
            minutes=copy["minutes"],
            body=copy["body"],
            author_id=by.id,
            note=_("restored after removal"),
        )  # fmt: skip
    )
    db.session.flush()


def _restore_question(draft: DraftCourse, module: DraftModule, snapshot: dict) -> None:
    if module.quiz is None:
        raise AuthoringError(
            _("The module “%(title)s” has no quiz now; create its quiz first.", title=module.title)
        )
    question = dict(snapshot["question"])
    questions = list(module.quiz["questions"])
    taken = {q["slug"] for q in questions}
    if question["slug"] in taken:  # a new question took its slug: attempts on the old one stay apart
        question["slug"] = _next_slug("q", taken)
    questions.insert(max(0, min(snapshot["position"], len(questions))), question)
    module.quiz = {**module.quiz, "questions": questions}
