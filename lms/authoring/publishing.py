"""From draft to learners, and between drafts and ZIP archives.

Publishing takes the course format's three steps (lms/content/format.py) without files: the
draft becomes a course tree in memory (`draft_spec`, the "read" step), the format's validator
checks it (`lms.content.validation.validate_course`, exactly the rules course files get) and
the importer applies it (`lms.content.importer.apply_course`), so learners keep their progress
on every lesson and question whose slug still exists. Problems are shown in the editor's words:
by their code (EDITOR_MESSAGES), at the module, lesson or quiz they name. Each publication
bumps Course.version (certificates record it).

A ZIP import reads the archive in place and validates it like `flask courses import`, then
replaces the draft and publishes, all in the request's one unit of work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import audit
from lms.accounts.models import User
from lms.authoring.models import DraftCourse, DraftImage, DraftLesson, DraftModule, LessonRevision
from lms.authoring.services import AuthoringError, mark_changed, safe_image_name
from lms.columns import utcnow
from lms.content.archive import (
    INLINE_IMAGE,
    ArchiveError,
    ArchiveLimits,
    course_zip,
    read_archive,
    rewrite_image_targets,
)
from lms.content.importer import ImportReport, apply_course
from lms.content.problems import Place, Problem, render
from lms.content.reading import Limits
from lms.content.tree import (
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    OptionSpec,
    QuestionSpec,
    QuizSpec,
    joined_due,
    lesson_body,
    split_due,
)
from lms.content.validation import validate_course
from lms.courses.access import teaches
from lms.courses.models import Course, CourseTrainer
from lms.extensions import db
from lms.media.services import media_dir, media_url, store_image
from lms.quizzes.models import QuestionKind

MEDIA_TARGET = re.compile(r"^/media/([0-9a-f]{64}\.(?:png|jpg|gif|webp))$")

_OUTSIDE = _l(
    "the image %(target)s is not one uploaded on the Images page of this course; upload it there and paste its snippet"
)
# The format's problems that speak of files, said in the editor's words (the others read well
# as they are). By code: nothing depends on the wording of a message.
EDITOR_MESSAGES = {
    "course.no-modules": _l("add at least one module"),
    "module.empty": _l("add a lesson or a quiz"),
    "lesson.no-text": _l("the lesson has no text yet"),
    "quiz.no-questions": _l("add at least one question"),
    "image.outside": _OUTSIDE,
    "image.missing": _OUTSIDE,
}


@dataclass(frozen=True)
class PublishProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PublishRefused(AuthoringError):
    """The draft (or archive) breaks rules of the course format; `problems` lists them all."""

    def __init__(self, problems: list[PublishProblem], message: str | None = None):
        super().__init__(message or _("The draft cannot be published yet: please fix the problems listed."))
        self.problems = problems


# --- draft -> spec -------------------------------------------------------------------------


def _lesson_spec(lesson: DraftLesson, names: dict[str, str], used: dict[str, str]) -> LessonSpec:
    """The lesson as a file would hold it: /media/ images become images/<name> in its module.
    `used` (name -> media file) is shared by the module's lessons so names never clash."""
    images: dict[str, bytes] = {}
    mapping: dict[str, str] = {}
    for target in sorted({match.group(2) for match in INLINE_IMAGE.finditer(lesson.body)}):
        match = MEDIA_TARGET.match(target)
        path = media_dir() / match.group(1) if match else None
        if path is None or not path.is_file():
            continue
        filename = match.group(1)
        name = names.get(filename, filename)
        if used.get(name, filename) != filename:
            name = filename
        used[name] = filename
        mapping[target] = f"images/{name}"
        images[f"images/{name}"] = path.read_bytes()
    body = lesson_body(rewrite_image_targets(lesson.body, mapping))
    return LessonSpec(slug=lesson.slug, title=_text(lesson.title), minutes=lesson.minutes, body=body,
                      images=images)  # fmt: skip


def _text(value: str | None) -> str:
    """A value as the file format keeps it once read: without surrounding spaces."""
    return (value or "").strip()


def _quiz_spec(quiz: dict | None) -> QuizSpec | None:
    if quiz is None:
        return None
    questions = [
        QuestionSpec(
            slug=question["slug"],
            kind=QuestionKind(question["kind"]),
            prompt=_text(question["prompt"]),
            options=[
                OptionSpec(o["slug"], _text(o["text"]), o["correct"], _text(o.get("feedback")))
                for o in question["options"]
            ],
        )  # fmt: skip
        for question in quiz.get("questions", [])
    ]
    return QuizSpec(title=_text(quiz["title"]), pass_mark=quiz.get("pass_mark"),
                    max_attempts=quiz.get("max_attempts", 3), questions=questions)  # fmt: skip


def draft_spec(
    draft: DraftCourse, *, version: str | None = None, published: bool | None = None
) -> CourseSpec:
    """The draft as a course tree in file form (images embedded, values as files would give
    them once read), not yet validated: step one of publishing."""
    course = draft.course
    names = {image.filename: image.name for image in draft.images}
    modules = []
    for module in draft.modules:
        used: dict[str, str] = {}
        lessons = [_lesson_spec(lesson, names, used) for lesson in module.lessons]
        modules.append(ModuleSpec(slug=module.slug, title=_text(module.title), summary=_text(module.summary),
                                  lessons=lessons, quiz=_quiz_spec(module.quiz),
                                  due=joined_due(module.due_on, module.due_at)))  # fmt: skip
    return CourseSpec(
        slug=course.slug, title=_text(draft.title), summary=_text(draft.summary), audience=draft.audience,
        language=_text(draft.language), hours=float(draft.hours), version=version or course.version,
        outcomes=[_text(o) for o in draft.outcomes or []], completion_rule=draft.completion_rule,
        pass_mark=draft.pass_mark, enrolment_key=_text(draft.enrolment_key) or None, enrol_from=draft.enrol_from,
        enrol_until=draft.enrol_until, starts_on=draft.starts_on, ends_on=draft.ends_on,
        published=course.published if published is None else published, modules=modules, source_path=None,
        **_image_spec(draft),
    )  # fmt: skip


def _image_spec(draft: DraftCourse) -> dict:
    """The course picture as a file would hold it: `cover.<ext>` next to course.toml."""
    path = media_dir() / draft.image if draft.image else None
    if path is None or not path.is_file():
        return {}
    return {"image": "cover." + draft.image.rsplit(".", 1)[-1], "image_alt": _text(draft.image_alt),
            "image_data": path.read_bytes()}  # fmt: skip


def export_zip(draft: DraftCourse) -> bytes:
    """The draft in the courses/ file format (courses/README.md), zipped."""
    return course_zip(draft_spec(draft))


# --- publishing ----------------------------------------------------------------------------


def next_version(current: str) -> str:
    """ "0" (never published) -> "1.0"; otherwise the last number goes up: 1.0 -> 1.1, 2 -> 3."""
    if current in {"", "0"}:
        return "1.0"
    match = re.fullmatch(r"(.*?)(\d+)", current)
    if match is None:
        return f"{current}.1"[:40]
    return f"{match.group(1)}{int(match.group(2)) + 1}"


def limits() -> Limits:
    config = current_app.config
    return Limits(config["MAX_LESSON_BYTES"], config["MAX_IMAGE_BYTES"])


def _where(place: Place, draft: DraftCourse) -> str:
    """The part of the draft a problem is in, as the editor names it."""
    if place.module is None:
        return _("Course details")
    module = draft.modules[place.module - 1]
    if place.quiz:
        return _("Quiz of module “%(title)s”", title=module.title)
    if place.lesson is not None:
        return _("Lesson “%(title)s”", title=module.lessons[place.lesson - 1].title)
    return _("Module “%(title)s”", title=module.title)


def explain(problems: list[Problem], draft: DraftCourse) -> list[PublishProblem]:
    """The format's problems in the editor's words and the reader's language."""
    explained = []
    for problem in problems:
        message = render(problem.code, problem.params, EDITOR_MESSAGES)
        if problem.place.text_line is not None:
            message += " " + _("(line %(n)s of the text)", n=problem.place.text_line)
        explained.append(PublishProblem(_where(problem.place, draft), message))
    return explained


def check(draft: DraftCourse) -> tuple[CourseSpec | None, list[PublishProblem]]:
    """Validate the draft exactly as course files are validated; (tree, []) when it can be published."""
    spec = draft_spec(draft)
    problems = validate_course(spec, limits())
    if problems:
        return None, explain(problems, draft)
    return spec, []


def publish(draft: DraftCourse, user: User) -> Course:
    """Make the draft what learners see, as a new version: read it as a tree, validate the
    tree, apply it. Raises PublishRefused with the problems, before anything is written."""
    spec, problems = check(draft)
    if problems:
        raise PublishRefused(problems)
    spec.version = next_version(draft.course.version)
    spec.published = True
    course = apply_course(spec, ImportReport(), source_path=None)
    draft.unpublished_changes = False
    draft.published_at = utcnow()
    db.session.flush()
    audit.record(
        audit.Action.COURSE_PUBLISHED, actor=user, details={"course": course.id, "version": course.version}
    )
    return course


def withdraw(draft: DraftCourse) -> None:
    """Take the course out of the catalogue: learners can no longer see or study it, but their
    enrolments, progress and certificates are kept, and publishing again brings it back."""
    draft.course.published = False
    db.session.flush()
    audit.record(audit.Action.COURSE_WITHDRAWN, details={"course": draft.course_id})


# --- ZIP import ----------------------------------------------------------------------------


def archive_limits() -> ArchiveLimits:
    config = current_app.config
    return ArchiveLimits(
        max_bytes=config["AUTHORING_MAX_ARCHIVE_BYTES"],
        max_files=config["AUTHORING_MAX_ARCHIVE_FILES"],
        max_uncompressed_bytes=config["AUTHORING_MAX_UNPACKED_BYTES"],
    )


def import_archive(data: bytes, user: User) -> DraftCourse:
    """Validate a ZIP like `flask courses import`, then load it into the course's draft and
    publish it with the archive's version. Raises PublishRefused (problems) or AuthoringError."""
    reading = limits()
    try:
        specs, problems = read_archive(
            data, archive_limits(), reading.max_lesson_bytes, reading.max_image_bytes
        )
    except ArchiveError as error:
        raise AuthoringError(
            _("The archive was refused: %(reason)s.", reason=str(error)), "archive"
        ) from None
    if problems:
        raise PublishRefused(
            [
                PublishProblem(
                    f"{problem.path}:{problem.line}" if problem.line else problem.path or _("Course"),
                    problem.message,
                )
                for problem in problems
            ],
            _("The archive has problems (listed below); nothing was imported."),
        )
    spec = specs[0]
    course = db.session.execute(select(Course).where(Course.slug == spec.slug)).scalar_one_or_none()
    draft = None
    if course is not None:
        if course.source_path is not None:
            raise AuthoringError(
                _("The course “%(slug)s” is managed as files on the server; it cannot be replaced here.",
                  slug=spec.slug), "archive")  # fmt: skip
        draft = db.session.get(DraftCourse, course.id)
        if draft is None or not teaches(user, course):
            raise AuthoringError(
                _("Another course already uses the address “%(slug)s”.", slug=spec.slug), "archive"
            )
    draft = load_spec(spec, user, draft)
    apply_course(spec, ImportReport(), source_path=None)
    db.session.flush()
    draft.unpublished_changes = False
    draft.published_at = utcnow()
    db.session.flush()
    return draft


def load_spec(spec: CourseSpec, user: User, draft: DraftCourse | None) -> DraftCourse:
    """Make the draft equal to `spec`, keeping lessons by slug (their history gets a revision)."""
    values = dict(
        title=spec.title, summary=spec.summary, audience=spec.audience, language=spec.language,
        hours=spec.hours, outcomes=list(spec.outcomes), completion_rule=spec.completion_rule,
        pass_mark=spec.pass_mark, enrolment_key=spec.enrolment_key, enrol_from=spec.enrol_from,
        enrol_until=spec.enrol_until, starts_on=spec.starts_on, ends_on=spec.ends_on,
        image=store_image(spec.image_data).filename if spec.image and spec.image_data else None,
        image_alt=spec.image_alt if spec.image and spec.image_data else "",
    )  # fmt: skip
    if draft is None:
        course = Course(slug=spec.slug, version=spec.version, published=False, source_path=None, **values)
        db.session.add(course)
        db.session.flush()
        draft = DraftCourse(course=course, owner_id=user.id, **values)
        db.session.add(draft)
        db.session.add(CourseTrainer(course_id=course.id, user_id=user.id))
        db.session.flush()
    else:
        for name, value in values.items():
            setattr(draft, name, value)
    modules = {module.slug: module for module in draft.modules}
    lessons = {lesson.slug: lesson for lesson in draft.lessons}
    names = {image.filename: image for image in draft.images}
    kept_modules = []
    for position, module_spec in enumerate(spec.modules, start=1):
        module = modules.pop(module_spec.slug, None)
        if module is None:
            module = DraftModule(slug=module_spec.slug, title=module_spec.title)
            draft.modules.append(module)
        module.position, module.title, module.summary = position, module_spec.title, module_spec.summary
        module.due_on, module.due_at = split_due(module_spec.due)
        module.quiz = _quiz_document(module_spec.quiz)
        kept_modules.append(module)
    db.session.flush()
    for module, module_spec in zip(kept_modules, spec.modules, strict=True):
        for position, lesson_spec in enumerate(module_spec.lessons, start=1):
            body = _media_body(lesson_spec, draft, names)
            _load_lesson(
                draft, module, position, lesson_spec, body, lessons.pop(lesson_spec.slug, None), user
            )
    for lesson in lessons.values():
        db.session.delete(lesson)
    for module in modules.values():
        draft.modules.remove(module)
    mark_changed(draft)
    db.session.flush()
    db.session.expire(draft)
    return draft


def _quiz_document(quiz: QuizSpec | None) -> dict | None:
    if quiz is None:
        return None
    return {
        "title": quiz.title, "pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts,
        "questions": [
            {"slug": q.slug, "kind": QuestionKind(q.kind).value, "prompt": q.prompt,
             "options": [{"slug": o.slug, "text": o.text, "correct": o.correct, "feedback": o.feedback}
                         for o in q.options]}
            for q in quiz.questions
        ],
    }  # fmt: skip


def _media_body(spec: LessonSpec, draft: DraftCourse, names: dict[str, DraftImage]) -> str:
    """Store the lesson's images and point its Markdown at /media/, remembering each file name."""
    mapping = {}
    for target, data in spec.images.items():
        media = store_image(data)
        mapping[target] = media_url(media)
        if media.filename not in names:
            wanted = target.split("/")[-1]
            taken = {image.name for image in names.values()}
            name = wanted if wanted not in taken else safe_image_name(wanted, media.content_type, taken)
            names[media.filename] = DraftImage(filename=media.filename, name=name, alt="")
            draft.images.append(names[media.filename])
    return rewrite_image_targets(spec.body, mapping)


def _load_lesson(
    draft, module, position, spec: LessonSpec, body: str, lesson: DraftLesson | None, user
) -> None:
    if lesson is None:
        lesson = DraftLesson(course_id=draft.course_id, slug=spec.slug, title=spec.title, minutes=spec.minutes,
                             body=body, revision=1, position=position)  # fmt: skip
        module.lessons.append(lesson)
        db.session.flush()
    elif (lesson.title, lesson.minutes, lesson.body) != (spec.title, spec.minutes, body):
        lesson.revision += 1
        lesson.title, lesson.minutes, lesson.body = spec.title, spec.minutes, body
    else:
        lesson.module, lesson.position = module, position
        return
    lesson.module, lesson.position = module, position
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=lesson.revision,
            title=spec.title,
            minutes=spec.minutes,
            body=body,
            author_id=user.id,
            note=_("imported from a ZIP archive"),
        )  # fmt: skip
    )
