"""Step one of three (read -> validate -> apply): course files into a tree, in memory.

The reader takes a `Source` (a folder on disk, or a ZIP archive read in place) and builds the
tree of `lms.content.tree` nodes, noting where each value was written. Its problems are about
the files as files: names, encodings, TOML syntax, missing or unknown keys, values of the wrong
type. Rules about the values themselves (ranges, slugs, at least one lesson, images that are
images) are the validator's (`lms.content.validation`), which checks trees made from a draft
in exactly the same way. Nothing here touches the database or writes a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from lms.content.markup import image_references
from lms.content.problems import Place, Problem
from lms.content.tree import (
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    OptionSpec,
    Origin,
    QuestionSpec,
    QuizSpec,
    lesson_body,
)
from lms.courses.models import Audience, CompletionRule
from lms.quizzes.models import QuestionKind

NUMBERED = re.compile(r"^(\d{1,4})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
IGNORED = re.compile(r"^(\..*|README(\..*)?|LICEN[CS]E(\..*)?|__pycache__)$", re.IGNORECASE)
HEADER_FENCE = "+++"
ROOT = PurePosixPath()


@dataclass(frozen=True)
class Limits:
    """What the reader reads at most, and the validator accepts."""

    max_lesson_bytes: int = 1_000_000
    max_image_bytes: int = 2_000_000


def image_file(target: str) -> str | None:
    """The file name an image reference names in its module's images/ folder; None when the
    reference points anywhere else (another folder, a URL, /media/...)."""
    parts = target.split("/")
    if len(parts) != 2 or parts[0] != "images" or parts[1] in {"", ".", ".."} or "\\" in target:
        return None
    return parts[1]


class Source(Protocol):
    """Files of a tree, by relative POSIX path. `name` is how problems call a path."""

    def name(self, path: PurePosixPath) -> str: ...
    def is_file(self, path: PurePosixPath) -> bool: ...
    def is_dir(self, path: PurePosixPath) -> bool: ...
    def children(self, path: PurePosixPath) -> list[PurePosixPath]: ...
    def size(self, path: PurePosixPath) -> int: ...
    def read(self, path: PurePosixPath, limit: int | None = None) -> bytes: ...


class FolderSource:
    """A folder on disk; problems name files by their path on disk. What a listing of a folder
    said about its entries (file or folder) is kept, so each is looked at once."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._paths: dict[PurePosixPath, Path] = {ROOT: self.root}
        self._kinds: dict[PurePosixPath, bool] = {}  # True: a folder

    def _path(self, path: PurePosixPath) -> Path:
        found = self._paths.get(path)
        if found is None:
            found = self._paths[path] = self.root.joinpath(*path.parts)
        return found

    def _is_dir(self, path: PurePosixPath) -> bool | None:
        if path not in self._kinds:
            real = self._path(path)
            self._kinds[path] = True if real.is_dir() else False if real.is_file() else None
        return self._kinds[path]

    def name(self, path: PurePosixPath) -> str:
        return str(self._path(path))

    def is_file(self, path: PurePosixPath) -> bool:
        return self._is_dir(path) is False

    def is_dir(self, path: PurePosixPath) -> bool:
        return self._is_dir(path) is True

    def children(self, path: PurePosixPath) -> list[PurePosixPath]:
        folder = self._path(path)
        found = []
        with os.scandir(folder) as entries:
            for entry in entries:
                child = path / entry.name
                self._paths[child] = folder / entry.name
                is_dir = entry.is_dir()
                self._kinds[child] = True if is_dir else False if entry.is_file() else None
                found.append(child)
        return sorted(found)

    def size(self, path: PurePosixPath) -> int:
        return self._path(path).stat().st_size

    def read(self, path: PurePosixPath, limit: int | None = None) -> bytes:
        with open(self._path(path), "rb") as file:
            return file.read(-1 if limit is None else limit)


class Reader:
    """Collects problems while reading one file's values, and where each key was written."""

    def __init__(self, source: Source, path: PurePosixPath, problems: list[Problem], place: Place,
                 limits: Limits = Limits()):  # fmt: skip
        self.source = source
        self.limits = limits
        self.path = path
        self.name = source.name(path)
        self.problems = problems
        self.place = place
        self.text = ""
        self.before = len(problems)

    @property
    def failed(self) -> bool:
        """Whether reading this file found a problem."""
        return len(self.problems) > self.before

    def problem(self, code: str, line: int | None = None, **params) -> None:
        place = Place(self.name, line, self.place.module, self.place.lesson, self.place.quiz)
        self.problems.append(Problem(code, place, params))

    def line_of(self, key: str, after: str | None = None) -> int | None:
        return line_of(self.text, key, after)

    def origin(self, tables: dict[str, str] | None = None, anchor: str | None = None) -> Origin:
        """Where the node's keys are written in this file, found when asked for: `key`, or
        `prefix.key` for a key of the table starting at the line holding `tables[prefix]`;
        plain keys are looked for after the line holding `anchor`, if given."""
        text, tables = self.text, tables or {}

        def find(key: str) -> int | None:
            prefix, _, name = key.rpartition(".")
            if prefix in tables:
                return line_of(text, name, tables[prefix])
            return line_of(text, key, anchor)

        return Origin(self.name, find=find)

    def decode(self, data: bytes) -> str | None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.problem("file.encoding")
            return None
        if "\x00" in text:
            self.problem("file.nul")
            return None
        return text

    def load_toml(self, text: str | None = None, line_offset: int = 0) -> dict | None:
        if text is None:
            limit = self.limits.max_lesson_bytes  # a metadata file is never larger than a lesson
            try:
                if self.source.size(self.path) > limit:
                    self.problem("file.too-large", kb=limit // 1000)
                    return None
                data = self.source.read(self.path)
            except OSError as error:
                self.problem("file.unreadable", reason=error.strerror or str(error))
                return None
            text = self.decode(data)
            if text is None:
                return None
        self.text = text
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"line (\d+)", str(error))
            line = int(match.group(1)) + line_offset if match else None
            self.problem("toml.invalid", line, detail=str(error).split(" (at")[0])
            return None
        except RecursionError:  # tomllib parses nested arrays and tables recursively
            self.problem("toml.too-deep")
            return None
        if ("\\u0000" in self.text or "\\U00000000" in self.text) and _holds_nul(data):  # as an escape
            self.problem("file.nul")
            return None
        return data

    def get(self, data: dict, key: str, kind: type | tuple, *, required: bool = True, default=None,
            context: str | None = None):  # fmt: skip
        if key not in data:
            if required:
                self.problem("key.missing", self.line_of("[[questions]]") if context else None, key=key)
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value = None
        if not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem("key.type", self.line_of(key, context), key=key, type=names)
            return default
        if isinstance(value, str):
            value = value.strip()
            if required and not value:
                self.problem("key.empty", self.line_of(key, context), key=key)
                return default
        return value

    def unknown_keys(self, data: dict, allowed: set[str], context: str | None = None) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                "key.unknown", self.line_of(key, context), key=key, allowed=", ".join(sorted(allowed))
            )

    def day(self, data: dict, key: str) -> date | None:
        """An optional calendar day: a TOML date (2027-03-01), or the same written as a string."""
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        elif isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.problem("key.date", self.line_of(key), key=key, value=_shown(value))
        return None

    def due(self, data: dict, key: str = "due") -> date | datetime | None:
        """An optional deadline: a day (2027-03-01) or a moment with its offset from UTC
        (2027-03-01T17:00:00Z, 2027-03-01T17:00:00+03:00), kept in UTC. A moment without an
        offset is refused: whose 17:00 it is cannot be guessed."""
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, str):
            text = value.strip()
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.problem("key.due-zone", self.line_of(key), key=key, value=_shown(value))
                return None
            return value.astimezone(UTC)
        if isinstance(value, date):
            return value
        self.problem("key.due", self.line_of(key), key=key, value=_shown(value))
        return None

    def choice(self, data: dict, key: str, enum_class, context: str | None = None):
        value = self.get(data, key, str, context=context)
        if value is None:
            return None
        try:
            return enum_class(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum_class)
            self.problem("key.choice", self.line_of(key, context), key=key, allowed=allowed, value=value)
            return None


def line_of(text: str, key: str, after: str | None = None) -> int | None:
    """The line where `key = ...` is written in `text` (after the line containing `after`)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        for number, line in enumerate(lines):
            if after in line:
                start = number
                break
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start, len(lines)):
        if pattern.match(lines[number]):
            return number + 1
    return None


def _shown(value, limit: int = 40) -> str:
    """A value as a problem quotes it: short, whatever the file held."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def read_tree(source: Source, limits: Limits = Limits()) -> tuple[list[CourseSpec], list[Problem]]:
    """Every course of `source`: the source is one course folder (it holds course.toml) or a
    folder of course folders. Returns the trees read and the problems met; a course whose
    course.toml cannot be read is left out."""
    problems: list[Problem] = []
    if not source.is_dir(ROOT):
        return [], [Problem("path.not-folder", Place(source.name(ROOT)))]
    if source.is_file(ROOT / "course.toml"):
        folders = [ROOT]
    else:
        folders = []
        for child in source.children(ROOT):
            if IGNORED.match(child.name):
                continue
            if source.is_dir(child):
                folders.append(child)
            else:
                problems.append(Problem("tree.unexpected-file", Place(source.name(child))))
    courses = []
    for folder in folders:
        if not source.is_file(folder / "course.toml"):
            problems.append(Problem("course.no-toml", Place(source.name(folder))))
            continue
        course = _read_course(source, folder, problems, limits)
        if course is not None:
            courses.append(course)
    return courses, problems


_COURSE_KEYS = {
    "slug", "title", "summary", "audience", "language", "hours", "version", "outcomes", "completion",
    "enrolment_key", "enrol_from", "enrol_until", "starts_on", "ends_on", "published", "image", "image_alt",
}  # fmt: skip


def _read_course(source: Source, folder: PurePosixPath, problems: list[Problem], limits: Limits):
    reader = Reader(source, folder / "course.toml", problems, Place(), limits)
    data = reader.load_toml()
    failed = reader.failed
    image = data.get("image") if isinstance(data, dict) and isinstance(data.get("image"), str) else None
    image_path = folder / image if image and course_image_name(image) else None
    modules, modules_failed = _read_modules(source, folder, problems, limits, image_path)
    if data is None:
        return None
    reader.before = len(problems)
    reader.unknown_keys(data, _COURSE_KEYS)
    origin = reader.origin({"completion": "[completion]"})
    completion = reader.get(data, "completion", dict, default={})
    slug = reader.get(data, "slug", str)
    title = reader.get(data, "title", str)
    summary = reader.get(data, "summary", str, required=False, default="")
    audience = reader.choice(data, "audience", Audience)
    language = reader.get(data, "language", str, default="en")
    hours = reader.get(data, "hours", (int, float))
    version = reader.get(data, "version", str)
    outcomes = reader.get(data, "outcomes", list, default=[])
    rule = reader.choice(completion, "rule", CompletionRule, context="[completion]") if completion else None
    pass_mark = reader.get(completion, "pass_mark", int, context="[completion]")
    if completion:
        reader.unknown_keys(completion, {"rule", "pass_mark"}, context="[completion]")
    key = reader.get(data, "enrolment_key", str, required=False)
    enrol_from = reader.get(data, "enrol_from", date, required=False)
    enrol_until = reader.get(data, "enrol_until", date, required=False)
    starts_on, ends_on = reader.day(data, "starts_on"), reader.day(data, "ends_on")
    published = reader.get(data, "published", bool, required=False, default=True)
    image = reader.get(data, "image", str, required=False)
    image_alt = reader.get(data, "image_alt", str, required=False, default="")
    image_data = None
    if image_path is not None and source.is_file(image_path):
        image_data = source.read(image_path, limits.max_image_bytes + 1)
    origin.folder = source.name(folder)
    origin.incomplete = failed or modules_failed or reader.failed
    return CourseSpec(
        slug=slug, title=title, summary=summary, audience=audience, language=language,
        hours=float(hours) if hours is not None else None, version=version,
        outcomes=[o.strip() if isinstance(o, str) else o for o in outcomes or []], completion_rule=rule,
        pass_mark=pass_mark, enrolment_key=key or None, enrol_from=enrol_from, enrol_until=enrol_until,
        published=published, modules=modules, source_path=source.name(folder), starts_on=starts_on,
        ends_on=ends_on, image=image or None, image_alt=(image_alt or "").strip(), image_data=image_data,
        origin=origin,
    )  # fmt: skip


def course_image_name(name: str) -> bool:
    """A course image is a plain file name next to course.toml: no folder, no way out of it."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}", name)) and name != "course.toml"


def _numbered_children(source: Source, folder: PurePosixPath, problems: list[Problem], *, dirs: bool,
                       suffix: str = "") -> list[tuple[str, PurePosixPath]]:  # fmt: skip
    found = []
    for child in source.children(folder):
        if source.is_dir(child) != dirs or (suffix and child.suffix != suffix):
            continue
        stem = child.name[: -len(suffix)] if suffix else child.name
        match = NUMBERED.match(stem)
        if match is None:
            code = "module.folder-name" if dirs else "lesson.file-name"
            problems.append(Problem(code, Place(source.name(child))))
            continue
        found.append((int(match.group(1)), match.group(2), child))
    found.sort()
    seen: dict[str, PurePosixPath] = {}
    unique = []
    for _number, slug, child in found:
        if slug in seen:
            problems.append(
                Problem(
                    "slug.taken-in-folder",
                    Place(source.name(child)),
                    {"slug": slug, "other": seen[slug].name},
                )
            )
            continue
        seen[slug] = child
        unique.append((slug, child))
    return unique


def _read_modules(source: Source, folder: PurePosixPath, problems: list[Problem], limits: Limits,
                  image: PurePosixPath | None = None):  # fmt: skip
    """The course's modules, and whether anything in them could not be read. `image`, the
    course's picture, is the one file besides course.toml the course folder may hold."""
    before = len(problems)
    for child in source.children(folder):
        if (source.is_file(child) and child.name != "course.toml" and child != image
                and not IGNORED.match(child.name)):  # fmt: skip
            problems.append(Problem("course.unexpected-file", Place(source.name(child))))
    modules = []
    for position, (slug, module_dir) in enumerate(_numbered_children(source, folder, problems, dirs=True), 1):
        modules.append(_read_module(source, slug, module_dir, position, problems, limits))
    return modules, len(problems) > before


def _read_module(source: Source, slug: str, folder: PurePosixPath, position: int, problems: list[Problem],
                 limits: Limits) -> ModuleSpec:  # fmt: skip
    before = len(problems)
    place = Place(module=position)
    reader = Reader(source, folder / "module.toml", problems, place, limits)
    data = None
    if not source.is_file(reader.path):
        reader.problem("module.no-toml")
    else:
        data = reader.load_toml()
    title, summary, due = None, "", None
    if data is not None:
        reader.unknown_keys(data, {"title", "summary", "slug", "due"})
        slug = reader.get(data, "slug", str, required=False, default=slug)
        title = reader.get(data, "title", str)
        summary = reader.get(data, "summary", str, required=False, default="")
        due = reader.due(data)
    origin = reader.origin()
    origin.folder = source.name(folder)
    for child in source.children(folder):
        allowed = child.name in {"module.toml", "quiz.toml", "images"} or child.suffix == ".md"
        if not allowed and not IGNORED.match(child.name):
            problems.append(Problem("module.unexpected-file", Place(source.name(child), module=position)))
    lessons = []
    numbered = _numbered_children(source, folder, problems, dirs=False, suffix=".md")
    for number, (lesson_slug, path) in enumerate(numbered, start=1):
        lesson = _read_lesson(source, lesson_slug, path, folder, Place(module=position, lesson=number),
                              problems, limits)  # fmt: skip
        if lesson is not None:
            lessons.append(lesson)
    quiz = None
    if source.is_file(folder / "quiz.toml"):
        quiz = _read_quiz(source, folder / "quiz.toml", Place(module=position, quiz=True), problems, limits)
    origin.incomplete = len(problems) > before
    return ModuleSpec(slug=slug, title=title, summary=summary, lessons=lessons, quiz=quiz, due=due,
                      origin=origin)  # fmt: skip


def _read_lesson(source: Source, slug: str, path: PurePosixPath, module_dir: PurePosixPath, place: Place,
                 problems: list[Problem], limits: Limits) -> LessonSpec | None:  # fmt: skip
    reader = Reader(source, path, problems, place, limits)
    if source.size(path) > limits.max_lesson_bytes:
        reader.problem("lesson.too-large", kb=limits.max_lesson_bytes // 1000)
        return None
    text = reader.decode(source.read(path))
    if text is None:
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != HEADER_FENCE:
        reader.problem("lesson.no-header", 1)
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == HEADER_FENCE)
    except StopIteration:
        reader.problem("lesson.header-open", 1)
        return None
    header = reader.load_toml("\n".join(lines[1:end]), line_offset=1)
    if header is None:
        return None
    reader.text = "\n" + reader.text  # line numbers of the header start at 2
    reader.unknown_keys(header, {"title", "minutes"})
    title = reader.get(header, "title", str)
    minutes = reader.get(header, "minutes", int)
    raw_body = lines[end + 1 :]
    leading = next((i for i, line in enumerate(raw_body) if line), len(raw_body))
    body = lesson_body("\n".join(raw_body))
    origin = reader.origin()
    origin.lines["header-end"] = end + 2  # the line after the header
    origin.lines["text"] = end + 2 + leading  # the line where the text starts
    images: dict[str, bytes] = {}
    for _number, target in image_references(body):
        name = image_file(target)
        image = module_dir / "images" / name if name else None
        if image is not None and source.is_file(image):
            images[target] = source.read(image, limits.max_image_bytes + 1)
    origin.incomplete = reader.failed
    return LessonSpec(slug=slug, title=title, minutes=minutes, body=body, images=images, origin=origin)


def _read_quiz(source: Source, path: PurePosixPath, place: Place, problems: list[Problem],
               limits: Limits) -> QuizSpec | None:  # fmt: skip
    reader = Reader(source, path, problems, place, limits)
    data = reader.load_toml()
    if data is None:
        return None
    reader.unknown_keys(data, {"title", "pass_mark", "max_attempts", "questions"})
    title = reader.get(data, "title", str)
    pass_mark = reader.get(data, "pass_mark", int, required=False)
    max_attempts = reader.get(data, "max_attempts", int, required=False, default=3)
    raw_questions = reader.get(data, "questions", list, default=[])
    origin = reader.origin()
    questions = []
    for index, raw in enumerate(raw_questions or [], start=1):
        question = _read_question(raw, index, reader)
        if question is not None:
            questions.append(question)
    origin.incomplete = reader.failed
    return QuizSpec(title=title, pass_mark=pass_mark, max_attempts=max_attempts, questions=questions,
                    origin=origin)  # fmt: skip


def _question_line(reader: Reader, index: int) -> int | None:
    count = 0
    for number, line in enumerate(reader.text.splitlines(), start=1):
        if line.strip() == "[[questions]]":
            count += 1
            if count == index:
                return number
    return None


def question_label(slug, index: int) -> str:
    """How a problem names a question: by its slug when it has one, else by its number."""
    return f"'{slug}'" if isinstance(slug, str) else str(index)


def _read_question(raw, index: int, reader: Reader) -> QuestionSpec | None:
    line = _question_line(reader, index)
    before = len(reader.problems)
    if not isinstance(raw, dict):
        reader.problem("question.not-table", line, question=index)
        return None
    anchor = f'"{raw.get("slug")}"' if isinstance(raw.get("slug"), str) else None
    slug = raw.get("slug")
    label = question_label(slug, index)
    for key in sorted(set(raw) - {"slug", "type", "prompt", "options"}):
        reader.problem(
            "question.unknown-key", reader.line_of(key, anchor) or line, question=str(index), key=key
        )
    if not isinstance(slug, str):
        reader.problem("question.no-slug", line, question=label)
        slug = None
    try:
        kind = QuestionKind(raw.get("type"))
    except ValueError:
        allowed = ", ".join(k.value for k in QuestionKind)
        reader.problem(
            "question.type", reader.line_of("type", anchor) or line, question=label, allowed=allowed
        )
        kind = None
    prompt = raw.get("prompt")
    if not isinstance(prompt, str):
        reader.problem("question.no-prompt", line, question=label)
        prompt = None
    raw_options = raw.get("options")
    if not isinstance(raw_options, list):
        reader.problem("question.few-options", line, question=label)
        raw_options = []
    options = []
    for number, option in enumerate(raw_options, start=1):
        if not isinstance(option, dict):
            reader.problem("option.not-table", line, question=label, number=number)
            continue
        for key in sorted(set(option) - {"slug", "text", "correct", "feedback"}):
            reader.problem("option.unknown-key", line, question=label, number=number, key=key)
        option_slug, text = option.get("slug"), option.get("text")
        correct, feedback = option.get("correct", False), option.get("feedback", "")
        if not isinstance(option_slug, str):
            reader.problem("option.slug", line, question=label, number=number)
        elif not isinstance(text, str):
            reader.problem("option.no-text", line, question=label, option=option_slug)
        elif not isinstance(correct, bool) or not isinstance(feedback, str):
            reader.problem("option.values", line, question=label, option=option_slug)
        else:
            options.append(OptionSpec(option_slug, text.strip(), correct, feedback.strip()))
    origin = reader.origin(anchor=anchor)
    origin.lines[""] = line
    origin.incomplete = len(reader.problems) > before
    return QuestionSpec(slug=slug, kind=kind, prompt=prompt.strip() if prompt else prompt, options=options,
                        origin=origin)  # fmt: skip
