"""Changes to drafts: courses, modules, lessons (with optimistic locking), quizzes, images and
co-trainers. Functions only flush and raise AuthoringError with a message for the person; the
request commits once, so a refused change leaves nothing half-written.

Publishing, export and ZIP import live in lms/authoring/publishing.py.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.accounts.models import User
from lms.authoring.models import DraftCourse, DraftImage, DraftLesson, DraftModule, LessonRevision
from lms.content.markup import MarkupTooComplex, check_markdown, render_markdown
from lms.content.validation import MAX_SLUG, SLUG
from lms.courses.models import Course, CourseTrainer
from lms.errors import DomainError
from lms.extensions import db
from lms.media.models import EXTENSIONS
from lms.media.services import MediaError, store_image
from lms.quizzes.models import QuestionKind
from lms.teaching.services import TeachingError, assign_trainer, remove_trainer

MAX_TITLE = 200
MINUTES = (1, 600)
COURSE_FIELDS = (
    "title", "summary", "audience", "language", "hours", "outcomes", "completion_rule", "pass_mark",
)  # fmt: skip


class AuthoringError(DomainError):
    """A change to a draft was refused; `field` names the form field the message belongs to, if any."""


class EditConflict(AuthoringError):
    """Someone saved the lesson after this editor opened it; `lesson` holds their version."""

    status = 409

    def __init__(self, lesson: DraftLesson):
        super().__init__(_("This lesson changed since you opened it."))
        self.lesson = lesson


# --- names ---------------------------------------------------------------------------------


def slugify(text: str, fallback: str) -> str:
    """A slug from a title: ASCII lowercase words joined by dashes (at most 60 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")
    return slug or fallback


def unique_slug(base: str, taken: set[str]) -> str:
    slug, number = base, 2
    while slug in taken:
        slug = f"{base[: MAX_SLUG - 6]}-{number}"
        number += 1
    return slug


def checked_title(title: str | None, field: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise AuthoringError(_("A title is required."), field)
    if len(title) > MAX_TITLE:
        raise AuthoringError(_("A title can be at most %(n)s characters.", n=MAX_TITLE), field)
    return title


def mark_changed(draft: DraftCourse) -> None:
    draft.unpublished_changes = True


# --- courses -------------------------------------------------------------------------------


def create_course(owner: User, slug: str, **values) -> DraftCourse:
    """A new, unpublished course and its draft, owned (and taught) by `owner`."""
    slug = (slug or "").strip() or slugify(values.get("title") or "", "course")
    if len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise AuthoringError(
            _("Use lowercase letters, digits and single dashes (at most %(n)s).", n=MAX_SLUG), "slug"
        )
    if db.session.execute(select(Course.id).where(Course.slug == slug)).first() is not None:
        raise AuthoringError(_("Another course already uses this address."), "slug")
    values["title"] = checked_title(values.get("title"))
    _check_course_values(values)
    course = Course(slug=slug, version="0", published=False, source_path=None, **values)
    db.session.add(course)
    db.session.flush()
    draft = DraftCourse(course=course, owner_id=owner.id, **values)
    db.session.add(draft)
    db.session.add(CourseTrainer(course_id=course.id, user_id=owner.id))
    db.session.flush()
    return draft


def checked_course_dates(starts_on: date | None, ends_on: date | None, enrol_from: date | None = None,
                         enrol_until: date | None = None) -> None:  # fmt: skip
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise AuthoringError(_("The course cannot end before it starts."), "ends_on")
    if enrol_from is not None and enrol_until is not None and enrol_until < enrol_from:
        raise AuthoringError(_("Enrolment cannot close before it opens."), "enrol_until")


def checked_enrolment_key(key: str | None) -> str | None:
    """The key as learners will type it (enrolment compares it stripped), or None for no key."""
    key = (key or "").strip()
    if len(key) > 100:
        raise AuthoringError(_("The enrolment key can be at most %(n)s characters.", n=100), "enrolment_key")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise AuthoringError(_("The enrolment key cannot hold control characters."), "enrolment_key")
    return key or None


def _check_course_values(values: dict) -> None:
    checked_course_dates(values.get("starts_on"), values.get("ends_on"), values.get("enrol_from"),
                         values.get("enrol_until"))  # fmt: skip
    if "enrolment_key" in values:
        values["enrolment_key"] = checked_enrolment_key(values["enrolment_key"])


def update_details(draft: DraftCourse, **values) -> None:
    values["title"] = checked_title(values.get("title"))
    _check_course_values(values)
    for name, value in values.items():
        setattr(draft, name, value)
    mark_changed(draft)
    db.session.flush()


def set_course_image(draft: DraftCourse, data: bytes | None, alt: str | None, remove: bool = False) -> None:
    """Set, replace, describe or remove the course's picture (a media file, content-addressed,
    checked as every uploaded image is). An image is never kept without its description."""
    alt = (alt or "").strip()
    if remove:
        draft.image, draft.image_alt = None, ""
        mark_changed(draft)
        db.session.flush()
        return
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in alt) or len(alt) > 300:
        raise AuthoringError(
            _("The description must be one line of at most %(n)s characters.", n=300), "image_alt"
        )
    if data:
        try:
            media = store_image(data)
        except MediaError as error:
            raise AuthoringError(str(error), "image") from None
        draft.image = media.filename
    if draft.image is None:
        if alt:
            raise AuthoringError(_("Choose an image file to go with this description."), "image")
        return
    if not alt:
        raise AuthoringError(_("Describe the image for people who cannot see it."), "image_alt")
    if draft.image_alt != alt or data:
        draft.image_alt = alt
        mark_changed(draft)
    db.session.flush()


# --- ordering ------------------------------------------------------------------------------


def _move(items: list, item, direction: str) -> None:
    """Swap `item` with its neighbour; refuse moves past either end with a message."""
    if direction not in {"up", "down"}:
        raise AuthoringError(_("Choose to move up or down."))
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        if direction == "up":
            raise AuthoringError(_("“%(title)s” is already first; nothing was moved.", title=item.title))
        raise AuthoringError(_("“%(title)s” is already last; nothing was moved.", title=item.title))
    ordered = list(items)
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered, start=1):
        each.position = position


def _renumber(items: list, removed=None) -> None:
    for position, each in enumerate((i for i in items if i is not removed), start=1):
        each.position = position


# --- modules -------------------------------------------------------------------------------


def add_module(draft: DraftCourse, title: str) -> DraftModule:
    title = checked_title(title)
    slug = unique_slug(slugify(title, "module"), {module.slug for module in draft.modules})
    module = DraftModule(slug=slug, title=title, summary="", position=len(draft.modules) + 1)
    draft.modules.append(module)
    mark_changed(draft)
    db.session.flush()
    return module


def update_module(module: DraftModule, title: str, summary: str, due_on: date | None = None,
                  due_time: time | None = None) -> None:  # fmt: skip
    """`due_on` alone: due that whole day; with `due_time` (UTC): due at that moment."""
    module.title = checked_title(title)
    module.summary = (summary or "").strip()
    if due_time is not None and due_on is None:
        raise AuthoringError(_("Give the day as well as the time."), "due_on")
    if due_time is None:
        module.due_on, module.due_at = due_on, None
    else:
        module.due_on, module.due_at = None, datetime.combine(due_on, due_time.replace(tzinfo=None))
    mark_changed(module.draft)
    db.session.flush()


def move_module(module: DraftModule, direction: str) -> None:
    _move(module.draft.modules, module, direction)
    mark_changed(module.draft)
    db.session.flush()
    db.session.expire(module.draft, ["modules"])


def remove_module(module: DraftModule) -> None:
    draft = module.draft
    _renumber(draft.modules, removed=module)
    draft.modules.remove(module)
    mark_changed(draft)
    db.session.flush()


# --- lessons -------------------------------------------------------------------------------


def add_lesson(module: DraftModule, title: str, author: User) -> DraftLesson:
    title = checked_title(title)
    draft = module.draft
    slug = unique_slug(slugify(title, "lesson"), {lesson.slug for lesson in draft.lessons})
    lesson = DraftLesson(
        course_id=draft.course_id, slug=slug, title=title, minutes=10, body="", revision=1,
        position=len(module.lessons) + 1,
    )  # fmt: skip
    module.lessons.append(lesson)
    db.session.flush()
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=1,
            title=title,
            minutes=10,
            body="",
            author_id=author.id,
            note=_("created"),
        )  # fmt: skip
    )
    mark_changed(draft)
    db.session.flush()
    return lesson


def normalise_body(body: str | None) -> str:
    """Line ends as in files, no blank lines around the text, one final newline (as the file
    format reads it back), so a published lesson equals its draft."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return body + "\n" if body.strip() else ""


def check_lesson(title: str, minutes, body: str) -> tuple[str, int, str]:
    title = checked_title(title)
    low, high = MINUTES
    if not isinstance(minutes, int) or not low <= minutes <= high:
        raise AuthoringError(_("Minutes must be a whole number from %(low)s to %(high)s.", low=low, high=high),
                             "minutes")  # fmt: skip
    body = normalise_body(body)
    limit = current_app.config["MAX_LESSON_BYTES"]
    if len(body.encode("utf-8")) > limit:
        raise AuthoringError(
            _("The lesson is larger than %(kb)s KB; nothing was saved. Split it into several lessons.",
              kb=limit // 1000),
            "body",
        )  # fmt: skip
    check_renderable(body)
    return title, minutes, body


def check_renderable(body: str) -> None:
    """Raise AuthoringError (on the body field) when the renderer's budget refuses the text."""
    if (limit := check_markdown(body)) is not None:
        raise AuthoringError(str(MarkupTooComplex(limit)), "body")


def preview(body: str) -> str:
    """The body rendered as learners will see it. Raises AuthoringError like `check_renderable`."""
    try:
        return render_markdown(body)
    except MarkupTooComplex as error:
        raise AuthoringError(str(error), "body") from None


def save_lesson(lesson: DraftLesson, *, seen_revision: int, title: str, minutes: int, body: str,
                author: User, note: str = "") -> bool:  # fmt: skip
    """Save a new revision of the lesson if nobody saved since `seen_revision`.

    The UPDATE carries `WHERE revision = seen_revision` (compare-and-swap), so of two people
    saving the same revision exactly one wins whatever the database. Returns False when nothing
    changed. Raises AuthoringError for bad input and EditConflict when the revision moved on.
    """
    title, minutes, body = check_lesson(title, minutes, body)
    if seen_revision == lesson.revision and (title, minutes, body) == (
        lesson.title,
        lesson.minutes,
        lesson.body,
    ):
        return False
    result = db.session.execute(
        update(DraftLesson)
        .where(DraftLesson.id == lesson.id, DraftLesson.revision == seen_revision)
        .values(title=title, minutes=minutes, body=body, revision=seen_revision + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(lesson)
        raise EditConflict(lesson)
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=seen_revision + 1,
            title=title,
            minutes=minutes,
            body=body,
            author_id=author.id,
            note=note,
        )  # fmt: skip
    )
    mark_changed(lesson.module.draft)
    db.session.flush()
    db.session.refresh(lesson)
    return True


def restore_revision(lesson: DraftLesson, number: int, seen_revision: int, author: User) -> None:
    revision = db.session.execute(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise AuthoringError(_("There is no such revision."))
    changed = save_lesson(
        lesson, seen_revision=seen_revision, title=revision.title, minutes=revision.minutes,
        body=revision.body, author=author, note=_("restored revision %(n)s", n=number),
    )  # fmt: skip
    if not changed:
        raise AuthoringError(_("The lesson already reads like revision %(n)s.", n=number))


def move_lesson(lesson: DraftLesson, direction: str) -> None:
    module = lesson.module
    _move(module.lessons, lesson, direction)
    mark_changed(module.draft)
    db.session.flush()
    db.session.expire(module, ["lessons"])


def remove_lesson(lesson: DraftLesson) -> None:
    module = lesson.module
    _renumber(module.lessons, removed=lesson)
    module.lessons.remove(lesson)
    mark_changed(module.draft)
    db.session.flush()


# --- quizzes -------------------------------------------------------------------------------


def set_quiz(module: DraftModule, title: str, pass_mark: int | None, max_attempts: int) -> None:
    """Create the module's quiz or change its settings (questions are kept)."""
    title = checked_title(title)
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        raise AuthoringError(_("The pass mark is a percentage from 0 to 100."), "pass_mark")
    if not 0 <= max_attempts <= 100:
        raise AuthoringError(_("Attempts must be from 0 (unlimited) to 100."), "max_attempts")
    questions = (module.quiz or {}).get("questions", [])
    module.quiz = {
        "title": title,
        "pass_mark": pass_mark,
        "max_attempts": max_attempts,
        "questions": questions,
    }
    mark_changed(module.draft)
    db.session.flush()


def remove_quiz(module: DraftModule) -> None:
    module.quiz = None
    mark_changed(module.draft)
    db.session.flush()


def _next_slug(prefix: str, taken: set[str]) -> str:
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _option_slug(taken: set[str]) -> str:
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if letter not in taken:
            return letter
    return _next_slug("o", taken)


def checked_question(kind: str, prompt: str, options: list[dict]) -> tuple[QuestionKind, str, list[dict]]:
    """Apply the file format's quiz rules to a question typed in a form (see courses/README.md)."""
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise AuthoringError(_("Choose a question type."), "kind") from None
    prompt = (prompt or "").strip()
    if not prompt:
        raise AuthoringError(_("The question needs a prompt."), "prompt")
    filled = [option for option in options if (option.get("text") or "").strip()]
    if len(filled) < 2:
        raise AuthoringError(_("A question needs at least two options with text."), "options")
    correct = sum(bool(option.get("correct")) for option in filled)
    if correct == 0:
        raise AuthoringError(_("Mark at least one option as correct."), "options")
    if kind in {QuestionKind.SINGLE, QuestionKind.TRUE_FALSE} and correct != 1:
        raise AuthoringError(_("This type of question has exactly one correct option."), "options")
    if kind is QuestionKind.TRUE_FALSE and len(filled) != 2:
        raise AuthoringError(_("A true-or-false question has exactly two options."), "options")
    cleaned, taken = [], set()
    for option in filled:  # keep each option's slug: attempts record answers by slug
        slug = option.get("slug") or ""
        if not SLUG.match(slug) or slug in taken:
            slug = ""
        cleaned.append({"slug": slug, "text": option["text"].strip(), "correct": bool(option.get("correct")),
                        "feedback": (option.get("feedback") or "").strip()})  # fmt: skip
        taken.add(slug)
    for option in cleaned:
        if not option["slug"]:
            option["slug"] = _option_slug(taken)
            taken.add(option["slug"])
    return kind, prompt, cleaned


def save_question(module: DraftModule, slug: str | None, kind: str, prompt: str, options: list[dict]) -> str:
    """Add (slug None) or replace a question of the module's quiz; returns its slug."""
    if module.quiz is None:
        raise AuthoringError(_("Create the quiz first."))
    kind, prompt, options = checked_question(kind, prompt, options)
    questions = [dict(question) for question in module.quiz["questions"]]
    if slug is None:
        slug = _next_slug("q", {question["slug"] for question in questions})
        questions.append({"slug": slug})
    question = next((q for q in questions if q["slug"] == slug), None)
    if question is None:
        raise AuthoringError(_("There is no such question."))
    question.update(kind=kind.value, prompt=prompt, options=options)
    module.quiz = {**module.quiz, "questions": questions}
    mark_changed(module.draft)
    db.session.flush()
    return slug


def move_question(module: DraftModule, slug: str, direction: str) -> None:
    questions = list(module.quiz["questions"])
    index = next(i for i, question in enumerate(questions) if question["slug"] == slug)
    target = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= target < len(questions):
        raise AuthoringError(_("This question cannot move further."))
    questions.insert(target, questions.pop(index))
    module.quiz = {**module.quiz, "questions": questions}
    mark_changed(module.draft)
    db.session.flush()


def remove_question(module: DraftModule, slug: str) -> None:
    questions = [question for question in module.quiz["questions"] if question["slug"] != slug]
    module.quiz = {**module.quiz, "questions": questions}
    mark_changed(module.draft)
    db.session.flush()


# --- images --------------------------------------------------------------------------------


def safe_image_name(filename: str, content_type: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", PurePath(filename or "").stem.lower()).strip("-")[:60] or "image"
    extension = EXTENSIONS[content_type]
    name, number = f"{stem}.{extension}", 2
    while name in taken:
        name = f"{stem}-{number}.{extension}"
        number += 1
    return name


def add_image(draft: DraftCourse, data: bytes, filename: str, alt: str) -> DraftImage:
    """Store an uploaded image (recognised by its content) for the course. Raises AuthoringError."""
    try:
        media = store_image(data)
    except MediaError as error:
        raise AuthoringError(str(error), "image") from None
    alt = (alt or "").strip().replace("]", ")").replace("[", "(")[:300]
    existing = next((image for image in draft.images if image.filename == media.filename), None)
    if existing is not None:
        existing.alt = alt or existing.alt
        db.session.flush()
        return existing
    name = safe_image_name(filename, media.content_type, {image.name for image in draft.images})
    image = DraftImage(filename=media.filename, name=name, alt=alt)
    draft.images.append(image)
    db.session.flush()
    return image


# --- co-trainers ---------------------------------------------------------------------------


def add_co_trainer(draft: DraftCourse, user: User | None) -> None:
    try:
        assign_trainer(draft.course, user)
    except TeachingError as error:
        raise AuthoringError(str(error), "email") from None


def remove_co_trainer(draft: DraftCourse, user_id: int) -> None:
    if user_id == draft.owner_id:
        raise AuthoringError(_("The owner of a course cannot be removed from it."))
    if not remove_trainer(draft.course, user_id):
        raise AuthoringError(_("This person does not teach the course."))
