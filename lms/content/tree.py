"""A course as a tree in memory: what the reader builds from files, what publishing builds from a
draft, what the validator checks and what the importer applies.

Each node may carry its `origin` (the file it was read from, and the line of each key), so a
problem found in the tree points at the line an author must fix; trees built from a draft
have none. Origins take no part in equality: a course read back from an export equals the
course written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lms.courses.models import Audience, CompletionRule
from lms.quizzes.models import QuestionKind


@dataclass
class Origin:
    """The file a node was read from: `lines` maps a key (or a mark such as "text") to its line;
    `find(key)` looks up the others in the file's text, only when a problem needs one.
    `incomplete`: a part of the node could not be read (a problem says why), so rules about
    what it holds as a whole (at least one lesson, one correct option) are not checked."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)
    incomplete: bool = False
    folder: str | None = None  # a course's or module's folder
    find: Callable[[str], int | None] | None = None

    def line(self, key: str) -> int | None:
        if key in self.lines:
            return self.lines[key]
        return self.find(key) if self.find is not None else None


def _origin():
    return field(default=None, compare=False, repr=False)


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
    origin: Origin | None = _origin()


@dataclass
class QuizSpec:
    title: str
    pass_mark: int | None
    max_attempts: int
    questions: list[QuestionSpec]
    origin: Origin | None = _origin()


@dataclass
class LessonSpec:
    slug: str
    title: str
    minutes: int
    body: str
    images: dict[str, bytes] = field(default_factory=dict)  # path as written -> bytes, if found
    origin: Origin | None = _origin()


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]
    quiz: QuizSpec | None
    # A whole day (date) or a moment (datetime in UTC, with its tzinfo); None: no deadline.
    due: date | datetime | None = None
    origin: Origin | None = _origin()


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
    source_path: str | None
    starts_on: date | None = None
    ends_on: date | None = None
    # The course's picture: a file next to course.toml (`image`), its bytes, and its text
    # alternative (`image_alt`), shown in the catalogue and on the course page.
    image: str | None = None
    image_alt: str = ""
    image_data: bytes | None = None
    origin: Origin | None = _origin()


def lesson_body(text: str) -> str:
    """A lesson's text as the course keeps it: no blank lines around it, one final newline."""
    return text.strip("\n") + "\n"


def split_due(due: date | datetime | None) -> tuple[date | None, datetime | None]:
    """A due date as the database keeps it: (due_on, None) for a day, (None, naive UTC) for a moment."""
    if isinstance(due, datetime):
        return None, due.astimezone(UTC).replace(tzinfo=None)
    return due, None


def joined_due(due_on: date | None, due_at: datetime | None) -> date | datetime | None:
    """The inverse of `split_due`: what a course file says for a module's stored due date."""
    if due_at is not None:
        return due_at.replace(tzinfo=UTC)
    return due_on


def due_day(due: date | datetime) -> date:
    """The calendar day (UTC) of a due date, for comparing it with a course's dates."""
    return due.astimezone(UTC).date() if isinstance(due, datetime) else due
