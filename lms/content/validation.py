"""Step two of three (read -> validate -> apply): the rules a course tree must keep.

The same checks run on a tree read from files or an archive and on a tree made from a draft
in the course editor, so a draft cannot be published that `flask courses import` would refuse.
Problems point at the node of the tree, and at the file and line when the node was read from
files. A node the reader could not read whole (`Origin.incomplete`) is not checked for what it
holds as a whole: its reading problems come first.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError

from lms.content.markup import check_markdown, image_references
from lms.content.problems import Place, Problem
from lms.content.reading import Limits, course_image_name, image_file, question_label
from lms.content.tree import CourseSpec, LessonSpec, ModuleSpec, Origin, QuestionSpec, QuizSpec, due_day
from lms.media.images import ImageRefused, clean_image, sniff_image_type
from lms.quizzes.models import QuestionKind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
MAX_TITLE = 200
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
RANGES = {"hours": (0.5, 200), "minutes": (1, 600), "pass_mark": (0, 100), "max_attempts": (0, 100)}


def validate_tree(courses: list[CourseSpec], limits: Limits = Limits()) -> list[Problem]:
    """Every problem of every course, then slugs that two courses share."""
    problems = [problem for course in courses for problem in validate_course(course, limits)]
    seen: dict[str, str] = {}
    for course in courses:
        if course.slug is None:
            continue
        if course.slug in seen:
            place = Place(course.source_path)
            problems.append(
                Problem("course.slug-taken", place, {"slug": course.slug, "other": seen[course.slug]})
            )
        seen.setdefault(course.slug, course.source_path)
    return problems


def validate_course(course: CourseSpec, limits: Limits = Limits()) -> list[Problem]:
    """Every problem of one course, in the order of the tree (the course, then each module)."""
    check = _Checker(course.origin, Place())
    check.slug(course.slug, "course.slug", "slug")
    if course.title is not None and len(course.title) > MAX_TITLE:
        check.problem("course.title-length", "title", max=MAX_TITLE)
    check.not_empty(course, "title", "version", "language")
    if course.language:
        try:
            Locale.parse(course.language)
        except (ValueError, UnknownLocaleError):
            check.problem("course.language", "language", value=course.language)
    check.in_range("hours", course.hours)
    outcomes = course.outcomes
    if outcomes is not None and (not outcomes or not all(isinstance(o, str) and o.strip() for o in outcomes)):
        check.problem("course.outcomes", "outcomes")
    check.in_range("pass_mark", course.pass_mark, line="completion.pass_mark")
    if course.enrol_from and course.enrol_until and course.enrol_from > course.enrol_until:
        check.problem("course.dates", "enrol_until")
    starts, ends = course.starts_on, course.ends_on
    if starts and ends and ends < starts:
        check.problem(
            "course.ends-before-starts", "ends_on", starts=starts.isoformat(), ends=ends.isoformat()
        )
        starts = ends = None  # the window is wrong, not the modules' dates
    if course.image is not None:
        code, params = _course_image(course.image, course.image_data, limits)
        if code is not None:
            check.problem(code, "image", target=course.image, **params)
        elif not course.image_alt:
            check.problem("course.image-alt", "image", target=course.image)
    problems = check.problems
    for position, module in enumerate(course.modules, start=1):
        problems += _module(module, position, limits, starts, ends)
    _lesson_slugs(course, problems)
    if not course.modules and not problems and not _incomplete(course.origin):
        problems.append(Problem("course.no-modules", check.at(None)))
    return problems


def _incomplete(origin: Origin | None) -> bool:
    return origin is not None and origin.incomplete


class _Checker:
    """Problems of one node, placed at its file and the line of a key when it was read."""

    def __init__(self, origin: Origin | None, place: Place):
        self.origin = origin
        self.place = place
        self.problems: list[Problem] = []

    def at(self, key: str | None, *, folder: bool = False, text_line: int | None = None) -> Place:
        origin = self.origin
        file = line = None
        if origin is not None:
            file = origin.folder if folder else origin.file
            line = origin.line(key) if key is not None else None
            if text_line is not None and origin.line("text") is not None:
                line = origin.line("text") + text_line - 1
        p = self.place
        return Place(file, line, p.module, p.lesson, p.quiz, text_line)

    def problem(self, code: str, line_key: str | None = None, /, *, folder: bool = False, text_line=None,
                **params) -> None:  # fmt: skip
        """A problem at the line of `line_key` (a key of the node, or a mark such as "header-end")."""
        self.problems.append(Problem(code, self.at(line_key, folder=folder, text_line=text_line), params))

    def slug(self, value, code: str, key: str = "slug") -> None:
        if value is not None and (len(value) > MAX_SLUG or not SLUG.match(value)):
            self.problem(code, key, slug=value, max=MAX_SLUG)

    def not_empty(self, node, *names: str) -> None:
        for name in names:
            value = getattr(node, name)
            if isinstance(value, str) and not value.strip():
                self.problem("key.empty", name, key=name)

    def in_range(self, key: str, value, line: str | None = None) -> None:
        low, high = RANGES[key]
        if value is not None and not low <= value <= high:
            shown = int(value) if isinstance(value, float) and value.is_integer() else value
            self.problem("key.range", line or key, key=key, low=low, high=high, value=shown)


def _module(module: ModuleSpec, position: int, limits: Limits, starts=None, ends=None) -> list[Problem]:
    check = _Checker(module.origin, Place(module=position))
    check.slug(module.slug, "module.slug")
    check.not_empty(module, "title")
    if module.due is not None:
        day = due_day(module.due)
        if starts is not None and day < starts:
            check.problem("module.due-before-start", "due", due=day.isoformat(), starts=starts.isoformat())
        elif ends is not None and day > ends:
            check.problem("module.due-after-end", "due", due=day.isoformat(), ends=ends.isoformat())
    problems = check.problems
    for number, lesson in enumerate(module.lessons, start=1):
        problems += _lesson(lesson, Place(module=position, lesson=number), limits)
    if module.quiz is not None:
        problems += _quiz(module.quiz, Place(module=position, quiz=True))
    if not module.lessons and module.quiz is None and not _incomplete(module.origin):
        problems.append(Problem("module.empty", check.at(None, folder=True)))
    return problems


def _lesson_slugs(course: CourseSpec, problems: list[Problem]) -> None:
    """A lesson slug names one lesson in the whole course (learners' progress is kept by it)."""
    seen: dict[str, str] = {}
    for position, module in enumerate(course.modules, start=1):
        folder = module.origin.folder if module.origin is not None else None
        name = folder.replace("\\", "/").rsplit("/", 1)[-1] if folder else module.slug
        for lesson in module.lessons:
            if lesson.slug in seen:
                place = Place(folder, module=position)
                problems.append(
                    Problem("lesson.slug-taken", place, {"slug": lesson.slug, "other": seen[lesson.slug]})
                )
            seen.setdefault(lesson.slug, name)


def _lesson(lesson: LessonSpec, place: Place, limits: Limits) -> list[Problem]:
    check = _Checker(lesson.origin, place)
    check.not_empty(lesson, "title")
    check.in_range("minutes", lesson.minutes)
    if len(lesson.body.encode("utf-8")) > limits.max_lesson_bytes:
        check.problem("lesson.too-large", kb=limits.max_lesson_bytes // 1000)
    if not lesson.body.strip():
        check.problem("lesson.no-text", "header-end")
    elif (limit := check_markdown(lesson.body)) is not None:  # it could not be shown
        check.problem(f"markup.{limit.code}", text_line=limit.line, **limit.params)
    for line, target in image_references(lesson.body):
        code, params = _image(target, lesson.images.get(target), limits)
        if code is not None:
            check.problem(code, text_line=line, target=target, **params)
    return check.problems


def _course_image(name: str, data: bytes | None, limits: Limits) -> tuple[str | None, dict]:
    """The problem with the course's picture, if any: a file next to course.toml."""
    if not course_image_name(name):
        return "course.image-name", {}
    return _image_file(name, data, limits)


def _image(target: str, data: bytes | None, limits: Limits) -> tuple[str | None, dict]:
    """The problem with one image of a lesson, if any: (code, parameters)."""
    name = image_file(target)
    if name is None:
        return "image.outside", {}
    return _image_file(name, data, limits)


def _image_file(name: str, data: bytes | None, limits: Limits) -> tuple[str | None, dict]:
    if "." + name.rsplit(".", 1)[-1].lower() not in IMAGE_SUFFIXES or "." not in name:
        return "image.suffix", {}
    if data is None:
        return "image.missing", {}
    if len(data) > limits.max_image_bytes:
        return "image.too-large", {"kb": limits.max_image_bytes // 1000}
    if sniff_image_type(data) is None:
        return "image.not-image", {}
    try:
        clean_image(data)  # decoded whole, as the media store will: an accepted image is stored
    except ImageRefused as refusal:
        if refusal.code in {"type", "broken"}:
            return "image.not-image", {}
        return f"image.{refusal.code}", dict(refusal.params)
    return None, {}


def _quiz(quiz: QuizSpec, place: Place) -> list[Problem]:
    check = _Checker(quiz.origin, place)
    check.not_empty(quiz, "title")
    check.in_range("pass_mark", quiz.pass_mark)
    check.in_range("max_attempts", quiz.max_attempts)
    if not quiz.questions and not _incomplete(quiz.origin):
        check.problem("quiz.no-questions", "questions")
    seen: set[str] = set()
    for index, question in enumerate(quiz.questions, start=1):
        at = _Checker(question.origin, place)
        _question(question, index, at)
        if question.slug is not None and question.slug in seen:
            at.problem("question.slug-taken", "slug", slug=question.slug)
        seen.add(question.slug)
        check.problems += at.problems
    return check.problems


def _question(question: QuestionSpec, index: int, check: _Checker) -> None:
    label = question_label(question.slug, index)
    check.slug(question.slug, "question.slug")
    if question.prompt is not None and not question.prompt.strip():
        check.problem("question.no-prompt", "", question=label)
    incomplete = _incomplete(question.origin)
    if len(question.options) < 2 and not incomplete:
        check.problem("question.few-options", "", question=label)
    slugs: set[str] = set()
    for number, option in enumerate(question.options, start=1):
        if not SLUG.match(option.slug):
            check.problem("option.slug", "", question=label, number=number)
            continue
        if option.slug in slugs:
            check.problem("option.slug-taken", "", question=label, slug=option.slug)
        slugs.add(option.slug)
        if not option.text.strip():
            check.problem("option.no-text", "", question=label, option=option.slug)
    if question.kind is None or incomplete:
        return
    correct = sum(option.correct for option in question.options)
    if correct == 0:
        check.problem("question.no-correct", "", question=label)
    elif question.kind in {QuestionKind.SINGLE, QuestionKind.TRUE_FALSE} and correct != 1:
        check.problem("question.one-correct", "", question=label, kind=question.kind.value)
    if question.kind is QuestionKind.TRUE_FALSE and len(question.options) != 2:
        check.problem("question.true-false", "", question=label)
