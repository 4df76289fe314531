"""Problems of a course, as data: a code, a place in the course, and parameters.

The course format's reader and validator never write sentences: they say which rule a course
breaks (`code`), where (`Place`: the file and line it was read from, if any, and its node in
the tree), and with what values (`params`). The sentence is rendered from the code when
someone reads it, in their language (`Problem.message`), so the command line prints it in
English, the course editor shows it in French or Arabic, and code that reacts to a problem
compares codes, never English text.

A new rule adds its code and message to MESSAGES (and their translations); `tests/content/
test_problems.py` renders every code in every language. The renderer's budget
(lms/content/budget.py) has codes of its own, with their messages there: they are problems
here as `markup.<code>`, rendered by `MarkupLimit.message`; so do the image checks
(lms/media/images.py), as `image.<code>` for the refusals that are more than "not an image".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.content.budget import MarkupLimit
from lms.media.images import ImageRefused

# The message of each code: %(name)s placeholders take the problem's parameters. Keys of the
# file format ('title', [[questions.options]]) stay as written in every language.
MESSAGES = {
    # files and folders
    "path.not-folder": _l("is not a folder"),
    "tree.unexpected-file": _l("unexpected file: each course is a folder"),
    "course.no-toml": _l("course folder without a course.toml"),
    "course.unexpected-file": _l("unexpected file in a course folder"),
    "module.unexpected-file": _l("unexpected file in a module folder"),
    "module.folder-name": _l("Module folders are named NN-slug (lowercase slug)"),
    "lesson.file-name": _l("Lesson files are named NN-slug.md (lowercase slug)"),
    "slug.taken-in-folder": _l("slug '%(slug)s' is also used by %(other)s"),
    "module.no-toml": _l("missing module.toml (with at least a title)"),
    "archive.no-course": _l("no course.toml at the top of the archive or its one folder"),
    # an archive that cannot be read safely (lms.content.archive.ArchiveError)
    "archive.link": _l("'%(name)s' is a symbolic link; archives may not contain links"),
    "archive.not-relative": _l("'%(name)s' is not a relative path inside the archive"),
    "archive.outside": _l("'%(name)s' points outside its folder"),
    "archive.twice": _l("'%(name)s' appears twice in the archive"),
    "archive.unreadable": _l("'%(name)s' cannot be unpacked (%(reason)s)"),
    "archive.too-large": _l("the archive is larger than %(mb)s MB"),
    "archive.too-many-files": _l("the archive holds more than %(count)s files"),
    "archive.unpacks-too-large": _l("the archive would unpack to more than %(mb)s MB"),
    "archive.not-zip": _l("the file is not a ZIP archive"),
    # reading a file
    "file.encoding": _l("not valid UTF-8 text"),
    "file.nul": _l("contains a NUL character, which no database can store"),
    "file.unreadable": _l("cannot be read (%(reason)s)"),
    "file.too-large": _l("the file is larger than %(kb)s KB"),
    "toml.invalid": _l("invalid TOML: %(detail)s"),
    "toml.too-deep": _l("invalid TOML: values are nested too deeply"),
    "key.missing": _l("missing required key '%(key)s'"),
    "key.type": _l("'%(key)s' must be %(type)s"),
    "key.empty": _l("'%(key)s' must not be empty"),
    "key.unknown": _l("unknown key '%(key)s' (allowed: %(allowed)s)"),
    "key.choice": _l("'%(key)s' must be one of: %(allowed)s (got '%(value)s')"),
    "key.range": _l("'%(key)s' must be between %(low)s and %(high)s (got %(value)s)"),
    "key.date": _l("'%(key)s' must be a date such as 2027-03-01 (got '%(value)s')"),
    "key.due": _l(
        "'%(key)s' must be a date such as 2027-03-01 or a time such as 2027-03-01T17:00:00Z (got '%(value)s')"
    ),
    "key.due-zone": _l(
        "'%(key)s' has a time without an offset from UTC: write it as 2027-03-01T17:00:00Z or 2027-03-01T17:00:00+03:00 (got '%(value)s')"
    ),
    # the course
    "course.slug": _l(
        "course slug '%(slug)s' must be lowercase letters, digits and single dashes (at most %(max)s)"
    ),
    "course.slug-taken": _l("course slug '%(slug)s' is also used by %(other)s"),
    "course.made-in-browser": _l("slug '%(slug)s' belongs to a course created in the browser"),
    "course.title-length": _l("'title' must be at most %(max)s characters"),
    "course.language": _l("'language' must be a language code such as en, fr or ar (got '%(value)s')"),
    "course.outcomes": _l("'outcomes' must be a non-empty list of sentences"),
    "course.dates": _l("'enrol_from' is after 'enrol_until'"),
    "course.ends-before-starts": _l("'ends_on' (%(ends)s) is before 'starts_on' (%(starts)s)"),
    "course.no-modules": _l("the course has no module folders (named like 01-introduction)"),
    "course.image-name": _l(
        "'image' must be the name of a file next to course.toml, such as cover.png (got '%(target)s')"
    ),
    "course.image-alt": _l(
        "the course image '%(target)s' needs 'image_alt': a text for people who cannot see it"
    ),
    # modules and lessons
    "module.slug": _l(
        "module slug '%(slug)s' must be lowercase letters, digits and single dashes (at most %(max)s)"
    ),
    "module.empty": _l("the module has no lessons and no quiz"),
    "module.due-before-start": _l("the module is due on %(due)s, before the course starts (%(starts)s)"),
    "module.due-after-end": _l("the module is due on %(due)s, after the course ends (%(ends)s)"),
    "lesson.slug-taken": _l("lesson slug '%(slug)s' is also used in %(other)s"),
    "lesson.too-large": _l("the lesson is larger than %(kb)s KB"),
    "lesson.no-header": _l("a lesson starts with a header between '+++' lines (title, minutes)"),
    "lesson.header-open": _l("the header opened on line 1 is never closed with '+++'"),
    "lesson.no-text": _l("the lesson has no text after its header"),
    "image.outside": _l(
        "image '%(target)s' must be a file in this module's images/ folder (images/name.png)"
    ),
    "image.suffix": _l("image '%(target)s' must be PNG, JPEG, GIF or WebP"),
    "image.missing": _l("image '%(target)s' does not exist"),
    "image.too-large": _l("image '%(target)s' is larger than %(kb)s KB"),
    "image.not-image": _l("image '%(target)s' is not a PNG, JPEG, GIF or WebP image"),
    # quizzes
    "quiz.no-questions": _l("the quiz has no questions"),
    "question.not-table": _l("question %(question)s must be a table"),
    "question.unknown-key": _l("question %(question)s: unknown key '%(key)s'"),
    "question.no-slug": _l("question %(question)s: missing 'slug'"),
    "question.slug": _l(
        "question slug '%(slug)s' must be lowercase letters, digits and single dashes (at most %(max)s)"
    ),
    "question.slug-taken": _l("question slug '%(slug)s' is used twice"),
    "question.type": _l("question %(question)s: 'type' must be one of %(allowed)s"),
    "question.no-prompt": _l("question %(question)s: missing 'prompt'"),
    "question.few-options": _l("question %(question)s: needs at least two [[questions.options]]"),
    "question.no-correct": _l("question %(question)s: no option is marked correct = true"),
    "question.one-correct": _l("question %(question)s: a %(kind)s question has exactly one correct option"),
    "question.true-false": _l("question %(question)s: a true-false question has exactly two options"),
    "option.not-table": _l("question %(question)s: option %(number)s must be a table"),
    "option.unknown-key": _l("question %(question)s: option %(number)s: unknown key '%(key)s'"),
    "option.slug": _l(
        "question %(question)s: option %(number)s needs a slug of lowercase letters, digits and dashes"
    ),
    "option.slug-taken": _l("question %(question)s: option slug '%(slug)s' is used twice"),
    "option.no-text": _l("question %(question)s: option '%(option)s' needs a 'text'"),
    "option.values": _l(
        "question %(question)s: option '%(option)s': 'correct' is true/false and 'feedback' is text"
    ),
}


class Delegated:
    """A message rendered by the module whose rule it is, from the problem's parameters."""

    def __init__(self, render: Callable[[Mapping[str, object]], str]):
        self.render = render


def _markup(code: str) -> Delegated:
    return Delegated(lambda params: MarkupLimit(code, None, dict(params)).message())


# The renderer's limits (lms/content/budget.py): a lesson that goes over one cannot be shown.
MARKUP_CODES = ("nesting", "deep", "run", "brackets", "angles", "footnote", "size")
MESSAGES.update({f"markup.{code}": _markup(code) for code in MARKUP_CODES})

_IMAGE_REFUSED = _l("image '%(target)s': %(reason)s")


def _image(code: str) -> Delegated:
    def render(params: Mapping[str, object]) -> str:
        reason = ImageRefused(code, **{k: v for k, v in params.items() if k != "target"}).message()
        return str(_IMAGE_REFUSED) % {"target": params["target"], "reason": reason}

    return Delegated(render)


# The image checks' refusals (lms/media/images.py) other than "type" and "broken", which are
# "image.not-image": too many pixels, script or page text inside, data after the image's end.
IMAGE_CODES = ("pixels", "active", "trailing")
MESSAGES.update({f"image.{code}": _image(code) for code in IMAGE_CODES})


@dataclass(frozen=True)
class Place:
    """Where a problem is. `file` and `line` when the course was read from files (a path on
    disk, or inside an archive); the node of the tree always: `module` and `lesson` are
    1-based positions, `quiz` marks the module's quiz, `text_line` a line of a lesson's text.
    All None: the course itself (or the whole tree)."""

    file: str | None = None
    line: int | None = None
    module: int | None = None
    lesson: int | None = None
    quiz: bool = False
    text_line: int | None = None


@dataclass(frozen=True)
class Problem:
    code: str
    place: Place = Place()
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise ValueError(f"unknown problem code {self.code!r}")

    @property
    def message(self) -> str:
        """The sentence in the reader's language (the request's, or English outside one)."""
        return render(self.code, self.params)

    @property
    def path(self) -> str:
        return self.place.file or ""

    @property
    def line(self) -> int | None:
        return self.place.line

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}" if self.path else self.message


def render(code: str, params: Mapping[str, object], messages: Mapping | None = None) -> str:
    """The message of `code` (from `messages`, else MESSAGES) with its parameters filled in."""
    template = (messages or MESSAGES).get(code) or MESSAGES[code]
    if isinstance(template, Delegated):
        return template.render(params)
    return str(template) % dict(params)
