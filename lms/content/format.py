"""Read and validate a tree of course files (the format is documented in courses/README.md).

Validation collects every problem, with file and line where it can tell, instead of stopping
at the first: an author fixes a whole tree in one pass. Nothing here touches the database.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError

from lms.content.markup import check_markdown, image_references
from lms.courses.models import Audience, CompletionRule
from lms.media.images import ImageRefused, clean_image
from lms.quizzes.models import QuestionKind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBERED = re.compile(r"^(\d{1,4})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
IGNORED = re.compile(r"^(\..*|README(\..*)?|LICEN[CS]E(\..*)?|__pycache__)$", re.IGNORECASE)
HEADER_FENCE = "+++"
MAX_SLUG = 80


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class OptionSpec:
    slug: str
    text: str
    correct: bool
    feedback: str


@dataclass
class QuestionSpec:
    slug: str
    kind: QuestionKind
    prompt: str
    options: list[OptionSpec]


@dataclass
class QuizSpec:
    title: str
    pass_mark: int | None
    max_attempts: int
    questions: list[QuestionSpec]


@dataclass
class LessonSpec:
    slug: str
    title: str
    minutes: int
    body: str
    images: dict[str, bytes] = field(default_factory=dict)  # path as written -> bytes


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]
    quiz: QuizSpec | None


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    audience: Audience
    language: str
    hours: float
    version: str
    outcomes: list[str]
    completion_rule: CompletionRule
    pass_mark: int
    enrolment_key: str | None
    enrol_from: date | None
    enrol_until: date | None
    published: bool
    modules: list[ModuleSpec]
    source_path: str


class Reader:
    """Collects problems while reading one file's values, pointing at the line of each key."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.path = path
        self.name = str(path)
        self.problems = problems
        self.text = ""

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.name, line, message))

    def line_of(self, key: str, after: str | None = None) -> int | None:
        """The line where `key = ...` is written (after the line containing `after`, if given)."""
        lines = self.text.splitlines()
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

    def load_toml(self, text: str | None = None, line_offset: int = 0) -> dict | None:
        try:
            self.text = self.path.read_text(encoding="utf-8") if text is None else text
        except UnicodeDecodeError:
            self.problem("not valid UTF-8 text")
            return None
        except OSError as error:
            self.problem(f"cannot be read ({error.strerror})")
            return None
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"line (\d+)", str(error))
            line = int(match.group(1)) + line_offset if match else None
            self.problem(f"invalid TOML: {str(error).split(' (at')[0]}", line)
            return None

    def get(self, data: dict, key: str, kind: type | tuple, *, required: bool = True, default=None,
            context: str | None = None):  # fmt: skip
        if key not in data:
            if required:
                self.problem(
                    f"missing required key '{key}'", self.line_of("[[questions]]") if context else None
                )
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value = None
        if not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(f"'{key}' must be {names}", self.line_of(key, context))
            return default
        if isinstance(value, str):
            value = value.strip()
            if required and not value:
                self.problem(f"'{key}' must not be empty", self.line_of(key, context))
                return default
        return value

    def unknown_keys(self, data: dict, allowed: set[str], context: str | None = None) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", self.line_of(key, context)
            )

    def choice(self, data: dict, key: str, enum_class, default=None, context: str | None = None):
        value = self.get(data, key, str, required=default is None, default=None, context=context)
        if value is None:
            return default
        try:
            return enum_class(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum_class)
            self.problem(f"'{key}' must be one of: {allowed} (got '{value}')", self.line_of(key, context))
            return default

    def integer(
        self, data: dict, key: str, low: int, high: int, *, required: bool, default=None, context=None
    ):
        value = self.get(data, key, int, required=required, default=None, context=context)
        if value is None:
            return default
        if not low <= value <= high:
            self.problem(
                f"'{key}' must be between {low} and {high} (got {value})", self.line_of(key, context)
            )
            return default
        return value

    def slug(self, value: str | None, what: str, line: int | None = None) -> str | None:
        if value is None:
            return None
        if len(value) > MAX_SLUG or not SLUG.match(value):
            self.problem(
                f"{what} slug '{value}' must be lowercase letters, digits and single dashes (at most {MAX_SLUG})",
                line,
            )
            return None
        return value


def load_tree(path: Path, max_lesson_bytes: int = 1_000_000, max_image_bytes: int = 2_000_000):
    """Read every course under `path` (a folder of courses, or one course folder).

    Returns (courses, problems); when there are problems the courses must not be imported.
    """
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_dir():
        return [], [Problem(str(path), None, "is not a folder")]
    limits = (max_lesson_bytes, max_image_bytes)
    if (path / "course.toml").exists():
        folders = [path]
    else:
        folders = sorted(
            child for child in path.iterdir() if child.is_dir() and not IGNORED.match(child.name)
        )
        for child in sorted(path.iterdir()):
            if child.is_file() and not IGNORED.match(child.name):
                problems.append(Problem(str(child), None, "unexpected file: each course is a folder"))
    courses = []
    for folder in folders:
        if not (folder / "course.toml").is_file():
            problems.append(Problem(str(folder), None, "course folder without a course.toml"))
            continue
        course = _load_course(folder, problems, limits)
        if course is not None:
            courses.append(course)
    seen: dict[str, str] = {}
    for course in courses:
        if course.slug in seen:
            problems.append(
                Problem(
                    course.source_path,
                    None,
                    f"course slug '{course.slug}' is also used by {seen[course.slug]}",
                )
            )
        seen.setdefault(course.slug, course.source_path)
    return courses, problems


def _load_course(folder: Path, problems: list[Problem], limits) -> CourseSpec | None:
    reader = Reader(folder / "course.toml", folder, problems)
    data = reader.load_toml()
    before = len(problems)
    modules = _load_modules(folder, problems, limits)
    if data is None:
        return None
    reader.unknown_keys(
        data,
        {"slug", "title", "summary", "audience", "language", "hours", "version", "outcomes", "completion",
         "enrolment_key", "enrol_from", "enrol_until", "published"},
    )  # fmt: skip
    slug = reader.slug(reader.get(data, "slug", str), "course", reader.line_of("slug"))
    title = reader.get(data, "title", str)
    if title and len(title) > 200:
        reader.problem("'title' must be at most 200 characters", reader.line_of("title"))
    summary = reader.get(data, "summary", str, required=False, default="")
    audience = reader.choice(data, "audience", Audience)
    language = reader.get(data, "language", str, default="en")
    if language:
        try:
            Locale.parse(language)
        except (ValueError, UnknownLocaleError):
            reader.problem(f"'language' must be a language code such as en, fr or ar (got '{language}')",
                           reader.line_of("language"))  # fmt: skip
    hours = reader.get(data, "hours", (int, float))
    if hours is not None and not 0.5 <= hours <= 200:
        reader.problem(f"'hours' must be between 0.5 and 200 (got {hours})", reader.line_of("hours"))
    version = reader.get(data, "version", str)
    outcomes = reader.get(data, "outcomes", list, default=[])
    if outcomes is not None and (not outcomes or not all(isinstance(o, str) and o.strip() for o in outcomes)):
        reader.problem("'outcomes' must be a non-empty list of sentences", reader.line_of("outcomes"))
    completion = reader.get(data, "completion", dict, default={})
    rule = reader.choice(completion, "rule", CompletionRule, context="[completion]") if completion else None
    pass_mark = reader.integer(completion, "pass_mark", 0, 100, required=True, context="[completion]")
    if completion:
        reader.unknown_keys(completion, {"rule", "pass_mark"}, context="[completion]")
    key = reader.get(data, "enrolment_key", str, required=False)
    enrol_from = reader.get(data, "enrol_from", date, required=False)
    enrol_until = reader.get(data, "enrol_until", date, required=False)
    if enrol_from and enrol_until and enrol_from > enrol_until:
        reader.problem("'enrol_from' is after 'enrol_until'", reader.line_of("enrol_until"))
    published = reader.get(data, "published", bool, required=False, default=True)
    if not modules and len(problems) == before:
        reader.problem("the course has no module folders (named like 01-introduction)")
    if len(problems) > before:
        return None
    return CourseSpec(
        slug=slug, title=title, summary=summary, audience=audience, language=language, hours=float(hours),
        version=version, outcomes=[o.strip() for o in outcomes], completion_rule=rule, pass_mark=pass_mark,
        enrolment_key=key or None, enrol_from=enrol_from, enrol_until=enrol_until, published=published,
        modules=modules, source_path=str(folder),
    )  # fmt: skip


def _numbered_children(folder: Path, problems: list[Problem], *, dirs: bool, suffix: str = ""):
    found = []
    for child in folder.iterdir():
        if child.is_dir() != dirs or (suffix and child.suffix != suffix):
            continue
        stem = child.name[: -len(suffix)] if suffix else child.name
        match = NUMBERED.match(stem)
        if match is None:
            what = "Module folders" if dirs else "Lesson files"
            problems.append(Problem(str(child), None, f"{what} are named NN-slug{suffix} (lowercase slug)"))
            continue
        found.append((int(match.group(1)), match.group(2), child))
    found.sort()
    seen: dict[str, Path] = {}
    unique = []
    for _number, slug, child in found:
        if slug in seen:
            problems.append(Problem(str(child), None, f"slug '{slug}' is also used by {seen[slug].name}"))
            continue
        seen[slug] = child
        unique.append((slug, child))
    return unique


def _load_modules(folder: Path, problems: list[Problem], limits) -> list[ModuleSpec]:
    for child in folder.iterdir():
        if child.is_file() and child.name != "course.toml" and not IGNORED.match(child.name):
            problems.append(Problem(str(child), None, "unexpected file in a course folder"))
    modules = []
    lesson_slugs: dict[str, Path] = {}
    for slug, module_dir in _numbered_children(folder, problems, dirs=True):
        module = _load_module(slug, module_dir, problems, limits)
        if module is None:
            continue
        for lesson in module.lessons:
            if lesson.slug in lesson_slugs:
                problems.append(
                    Problem(
                        str(module_dir),
                        None,
                        f"lesson slug '{lesson.slug}' is also used in {lesson_slugs[lesson.slug]}",
                    )
                )
            lesson_slugs.setdefault(lesson.slug, module_dir.name)
        modules.append(module)
    return modules


def _load_module(slug: str, folder: Path, problems: list[Problem], limits) -> ModuleSpec | None:
    before = len(problems)
    reader = Reader(folder / "module.toml", folder.parent, problems)
    data = None
    if not reader.path.is_file():
        reader.problem("missing module.toml (with at least a title)")
    else:
        data = reader.load_toml()
    if data is not None:
        reader.unknown_keys(data, {"title", "summary", "slug"})
        slug = reader.slug(
            reader.get(data, "slug", str, required=False, default=slug), "module", reader.line_of("slug")
        )
    title = reader.get(data, "title", str) if data is not None else None
    summary = reader.get(data, "summary", str, required=False, default="") if data is not None else ""
    for child in folder.iterdir():
        allowed = child.name in {"module.toml", "quiz.toml", "images"} or child.suffix == ".md"
        if not allowed and not IGNORED.match(child.name):
            problems.append(Problem(str(child), None, "unexpected file in a module folder"))
    lessons = [
        lesson
        for lesson_slug, path in _numbered_children(folder, problems, dirs=False, suffix=".md")
        if (lesson := _load_lesson(lesson_slug, path, folder, problems, limits)) is not None
    ]
    quiz = None
    if (folder / "quiz.toml").exists():
        quiz = _load_quiz(folder / "quiz.toml", folder, problems)
    if not lessons and quiz is None and len(problems) == before:
        problems.append(Problem(str(folder), None, "the module has no lessons and no quiz"))
    if len(problems) > before:
        return None
    return ModuleSpec(slug=slug, title=title, summary=summary, lessons=lessons, quiz=quiz)


def _load_lesson(
    slug: str, path: Path, module_dir: Path, problems: list[Problem], limits
) -> LessonSpec | None:
    max_lesson_bytes, max_image_bytes = limits
    reader = Reader(path, module_dir.parent, problems)
    before = len(problems)
    if path.stat().st_size > max_lesson_bytes:
        reader.problem(f"the lesson is larger than {max_lesson_bytes // 1000} KB")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reader.problem("not valid UTF-8 text")
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != HEADER_FENCE:
        reader.problem(f"a lesson starts with a header between '{HEADER_FENCE}' lines (title, minutes)", 1)
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == HEADER_FENCE)
    except StopIteration:
        reader.problem(f"the header opened on line 1 is never closed with '{HEADER_FENCE}'", 1)
        return None
    header = reader.load_toml("\n".join(lines[1:end]), line_offset=1)
    if header is None:
        return None
    reader.text = "\n" + reader.text  # line numbers of the header start at 2
    reader.unknown_keys(header, {"title", "minutes"})
    title = reader.get(header, "title", str)
    minutes = reader.integer(header, "minutes", 1, 600, required=True)
    raw_body = "\n".join(lines[end + 1 :])
    body = raw_body.strip("\n") + "\n"
    if not body.strip():
        reader.problem("the lesson has no text after its header", end + 2)
    elif (limit := check_markdown(raw_body)) is not None:
        reader.problem(limit.message(), limit.line + end + 1 if limit.line else None)
    images: dict[str, bytes] = {}
    for number, target in image_references(raw_body):
        line = number + end + 1
        image = _load_image(target, module_dir, reader, line, max_image_bytes)
        if image is not None:
            images[target] = image
    if len(problems) > before:
        return None
    return LessonSpec(slug=slug, title=title, minutes=minutes, body=body, images=images)


def _load_image(target: str, module_dir: Path, reader: Reader, line: int, max_bytes: int) -> bytes | None:
    parts = target.split("/")
    if len(parts) != 2 or parts[0] != "images" or parts[1] in {"", ".", ".."} or "\\" in target:
        reader.problem(
            f"image '{target}' must be a file in this module's images/ folder (images/name.png)", line
        )
        return None
    path = module_dir / "images" / parts[1]
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        reader.problem(f"image '{target}' must be PNG, JPEG, GIF or WebP", line)
        return None
    if not path.is_file():
        reader.problem(f"image '{target}' does not exist", line)
        return None
    data = path.read_bytes()
    if len(data) > max_bytes:
        reader.problem(f"image '{target}' is larger than {max_bytes // 1000} KB", line)
        return None
    try:
        clean_image(data)
    except ImageRefused as error:
        if error.code in {"type", "broken"}:
            reader.problem(f"image '{target}' is not a PNG, JPEG, GIF or WebP image", line)
        else:
            reader.problem(f"image '{target}': {error.message()}", line)
        return None
    return data


def _load_quiz(path: Path, module_dir: Path, problems: list[Problem]) -> QuizSpec | None:
    reader = Reader(path, module_dir.parent, problems)
    before = len(problems)
    data = reader.load_toml()
    if data is None:
        return None
    reader.unknown_keys(data, {"title", "pass_mark", "max_attempts", "questions"})
    title = reader.get(data, "title", str)
    pass_mark = reader.integer(data, "pass_mark", 0, 100, required=False)
    max_attempts = reader.integer(data, "max_attempts", 0, 100, required=False, default=3)
    raw_questions = reader.get(data, "questions", list, default=[])
    if raw_questions == [] and "questions" in data:
        reader.problem("the quiz has no questions", reader.line_of("[[questions]]"))
    questions = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions or [], start=1):
        question = _load_question(raw, index, reader)
        if question is None:
            continue
        if question.slug in seen:
            reader.problem(
                f"question slug '{question.slug}' is used twice", reader.line_of("slug", f'"{question.slug}"')
            )
        seen.add(question.slug)
        questions.append(question)
    if len(problems) > before:
        return None
    return QuizSpec(title=title, pass_mark=pass_mark, max_attempts=max_attempts, questions=questions)


def _question_line(reader: Reader, index: int) -> int | None:
    count = 0
    for number, line in enumerate(reader.text.splitlines(), start=1):
        if line.strip() == "[[questions]]":
            count += 1
            if count == index:
                return number
    return None


def _load_question(raw, index: int, reader: Reader) -> QuestionSpec | None:
    line = _question_line(reader, index)
    where = f"question {index}"
    if not isinstance(raw, dict):
        reader.problem(f"{where} must be a table", line)
        return None
    before = len(reader.problems)
    anchor = f'"{raw.get("slug")}"' if isinstance(raw.get("slug"), str) else None
    for key in sorted(set(raw) - {"slug", "type", "prompt", "options"}):
        reader.problem(f"{where}: unknown key '{key}'", reader.line_of(key, anchor) or line)
    slug = raw.get("slug")
    if not isinstance(slug, str):
        reader.problem(f"{where}: missing 'slug'", line)
    else:
        reader.slug(slug, "question", reader.line_of("slug", anchor))
        where = f"question '{slug}'"
    kind_value = raw.get("type")
    try:
        kind = QuestionKind(kind_value)
    except ValueError:
        allowed = ", ".join(k.value for k in QuestionKind)
        reader.problem(f"{where}: 'type' must be one of {allowed}", reader.line_of("type", anchor) or line)
        kind = None
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        reader.problem(f"{where}: missing 'prompt'", line)
    options = []
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        reader.problem(f"{where}: needs at least two [[questions.options]]", line)
        raw_options = raw_options if isinstance(raw_options, list) else []
    option_slugs: set[str] = set()
    for number, option in enumerate(raw_options, start=1):
        if not isinstance(option, dict):
            reader.problem(f"{where}: option {number} must be a table", line)
            continue
        for key in sorted(set(option) - {"slug", "text", "correct", "feedback"}):
            reader.problem(f"{where}: option {number}: unknown key '{key}'", line)
        option_slug, text = option.get("slug"), option.get("text")
        if not isinstance(option_slug, str) or not SLUG.match(option_slug):
            reader.problem(
                f"{where}: option {number} needs a slug of lowercase letters, digits and dashes", line
            )
            continue
        if option_slug in option_slugs:
            reader.problem(f"{where}: option slug '{option_slug}' is used twice", line)
        option_slugs.add(option_slug)
        if not isinstance(text, str) or not text.strip():
            reader.problem(f"{where}: option '{option_slug}' needs a 'text'", line)
            continue
        correct = option.get("correct", False)
        feedback = option.get("feedback", "")
        if not isinstance(correct, bool) or not isinstance(feedback, str):
            reader.problem(
                f"{where}: option '{option_slug}': 'correct' is true/false and 'feedback' is text", line
            )
            continue
        options.append(OptionSpec(option_slug, text.strip(), correct, feedback.strip()))
    correct_count = sum(option.correct for option in options)
    if kind is not None and len(options) == len(raw_options):
        if correct_count == 0:
            reader.problem(f"{where}: no option is marked correct = true", line)
        elif kind in {QuestionKind.SINGLE, QuestionKind.TRUE_FALSE} and correct_count != 1:
            reader.problem(f"{where}: a {kind.value} question has exactly one correct option", line)
        if kind is QuestionKind.TRUE_FALSE and len(options) != 2:
            reader.problem(f"{where}: a true-false question has exactly two options", line)
    if len(reader.problems) > before:
        return None
    return QuestionSpec(slug=slug, kind=kind, prompt=prompt.strip(), options=options)
