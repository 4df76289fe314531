"""Course trees to files and ZIP archives, and ZIP archives back to validated trees, in memory.

Writing is the inverse of reading: `course_files(spec)` gives the files of a course folder,
which `read_archive` (or `load_tree`, once written to disk) reads back into an equal tree. The
course editor exports with it; publishing a draft does not go through files at all (see
lms/authoring/publishing.py).

Reading an uploaded archive is defensive and needs no disk: the archive's size, number of
entries and total uncompressed size are checked from its directory before any entry is read;
no entry may name a path outside the archive's folder (absolute paths, `..`, drive letters,
backslashes, control characters) or be a symbolic link; each entry is read only when the reader
needs it, and never past the size the reader accepts (a lesson, an image) or its declared size.
"""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from lms.content.problems import Place, Problem, render
from lms.content.reading import ROOT, Limits, read_tree
from lms.content.tree import CourseSpec, LessonSpec, ModuleSpec, QuizSpec
from lms.content.validation import validate_tree

# An inline Markdown image, as `lms.content.markup.image_references` finds them: group 2 is the target.
INLINE_IMAGE = re.compile(r"(!\[[^\]]*\]\(\s*<?)([^)\s>]+)")


class ArchiveError(ValueError):
    """The archive cannot be read safely. A problem as data, like the format's (lms/content/
    problems.py): `code` says why, `params` with what; `str(error)` is the message in the
    reader's language."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
        Problem(code, Place(), params)  # an unknown code is a bug here, not later

    def __str__(self) -> str:
        return render(self.code, self.params)


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int = 16_000_000
    max_files: int = 2_000
    max_uncompressed_bytes: int = 100_000_000


def module_folder(position: int, slug: str) -> str:
    return f"{position:02d}-{slug}"


def lesson_file(position: int, slug: str) -> str:
    return f"{position:02d}-{slug}.md"


def rewrite_image_targets(body: str, mapping: dict[str, str]) -> str:
    """Replace the targets of inline images (`![alt](target)`) found in `mapping`."""

    def replace(match: re.Match) -> str:
        target = match.group(2)
        return match.group(1) + mapping.get(target, target)

    return INLINE_IMAGE.sub(replace, body)


# --- writing -------------------------------------------------------------------------------


def toml_value(value) -> str:
    """A TOML literal for the few types course files use (JSON strings are valid TOML strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):  # a moment, always written in UTC
        return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"  {toml_value(item)},\n" for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_lines(pairs: list[tuple[str, object]], indent: str = "") -> str:
    return "".join(f"{indent}{key} = {toml_value(value)}\n" for key, value in pairs if value is not None)


def course_files(spec: CourseSpec) -> dict[str, bytes]:
    """The files of `spec` as a course folder: relative POSIX path -> content."""
    head = [
        ("slug", spec.slug), ("title", spec.title), ("summary", spec.summary),
        ("audience", str(spec.audience.value) if spec.audience is not None else None),
        ("language", spec.language), ("hours", spec.hours), ("version", spec.version),
        ("outcomes", list(spec.outcomes)), ("enrolment_key", spec.enrolment_key),
        ("enrol_from", spec.enrol_from), ("enrol_until", spec.enrol_until), ("starts_on", spec.starts_on),
        ("ends_on", spec.ends_on), ("published", spec.published), ("image", spec.image),
        ("image_alt", spec.image_alt or None),
    ]  # fmt: skip
    completion = [
        ("rule", spec.completion_rule.value if spec.completion_rule is not None else None),
        ("pass_mark", spec.pass_mark),
    ]
    files = {"course.toml": _toml_lines(head) + "\n[completion]\n" + _toml_lines(completion)}
    if spec.image is not None and spec.image_data is not None and "/" not in spec.image:
        files[spec.image] = spec.image_data
    for position, module in enumerate(spec.modules, start=1):
        _module_files(module, module_folder(position, module.slug), files)
    return {
        name: content if isinstance(content, bytes) else content.encode("utf-8")
        for name, content in files.items()
    }


def _module_files(module: ModuleSpec, folder: str, files: dict) -> None:
    files[f"{folder}/module.toml"] = _toml_lines(
        [("title", module.title), ("summary", module.summary), ("due", module.due)]
    )
    for position, lesson in enumerate(module.lessons, start=1):
        _lesson_files(lesson, folder, lesson_file(position, lesson.slug), files)
    if module.quiz is not None:
        files[f"{folder}/quiz.toml"] = quiz_toml(module.quiz)


def _lesson_files(lesson: LessonSpec, folder: str, name: str, files: dict) -> None:
    header = _toml_lines([("title", lesson.title), ("minutes", lesson.minutes)])
    files[f"{folder}/{name}"] = f"+++\n{header}+++\n\n{lesson.body}"
    for target, data in lesson.images.items():
        parts = target.split("/")
        if len(parts) == 2 and parts[0] == "images" and parts[1] not in {"", ".", ".."}:
            files[f"{folder}/images/{parts[1]}"] = data


def write_course(spec: CourseSpec, folder: Path) -> None:
    """Write `spec` as a course folder (course.toml, NN-module folders, lessons, quizzes, images)."""
    for name, content in course_files(spec).items():
        path = folder.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def quiz_toml(quiz: QuizSpec) -> str:
    text = _toml_lines(
        [("title", quiz.title), ("pass_mark", quiz.pass_mark), ("max_attempts", quiz.max_attempts)]
    )
    if not quiz.questions:
        return text + "questions = []\n"
    for question in quiz.questions:
        kind = question.kind.value if hasattr(question.kind, "value") else question.kind
        text += "\n[[questions]]\n" + _toml_lines(
            [("slug", question.slug), ("type", kind), ("prompt", question.prompt)]
        )
        for option in question.options:
            text += "\n  [[questions.options]]\n" + _toml_lines(
                [("slug", option.slug), ("text", option.text), ("correct", option.correct),
                 ("feedback", option.feedback or None)],
                indent="  ",
            )  # fmt: skip
    return text


def course_zip(spec: CourseSpec) -> bytes:
    """The course as a ZIP holding one folder named after its slug."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(course_files(spec).items()):
            archive.writestr(f"{spec.slug}/{name}", content)
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's relative path, or raise when it could escape; None for directories."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError("archive.link", name=name)
    if "\\" in name or _DRIVE.match(name) or name.startswith("/") or "\x00" in name:
        raise ArchiveError("archive.not-relative", name=name)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts) or any(ord(c) < 32 for c in name):
        raise ArchiveError("archive.outside", name=name)
    if info.is_dir() or not parts:
        return None
    return PurePosixPath(*parts)


class ZipSource:
    """The files of a ZIP archive, read in place (`lms.content.reading.Source`), under `prefix`.
    Problems name files by their path in the archive."""

    def __init__(self, archive: zipfile.ZipFile, files: dict[PurePosixPath, zipfile.ZipInfo],
                 prefix: PurePosixPath = ROOT):  # fmt: skip
        self.archive = archive
        self.files = files
        self.prefix = prefix
        self.dirs: dict[PurePosixPath, set[PurePosixPath]] = {ROOT: set()}
        for path in files:
            for parent, child in zip(path.parents, [path, *path.parents], strict=False):
                self.dirs.setdefault(parent, set()).add(child)

    def within(self, folder: PurePosixPath) -> ZipSource:
        """The same archive, with `folder` as its root."""
        inner = ZipSource.__new__(ZipSource)
        inner.archive, inner.files, inner.dirs, inner.prefix = self.archive, {}, {}, self.prefix / folder
        for path, info in self.files.items():
            if path.is_relative_to(folder) and path != folder:
                inner.files[path.relative_to(folder)] = info
        for path, children in self.dirs.items():
            if path == folder or (path.is_relative_to(folder) and path != folder):
                inner.dirs[path.relative_to(folder)] = {child.relative_to(folder) for child in children}
        return inner

    def name(self, path: PurePosixPath) -> str:
        return str(self.prefix / path)

    def is_file(self, path: PurePosixPath) -> bool:
        return path in self.files

    def is_dir(self, path: PurePosixPath) -> bool:
        return path in self.dirs

    def children(self, path: PurePosixPath) -> list[PurePosixPath]:
        return sorted(self.dirs.get(path, ()))

    def size(self, path: PurePosixPath) -> int:
        return self.files[path].file_size

    def read(self, path: PurePosixPath, limit: int | None = None) -> bytes:
        info = self.files[path]
        try:
            # ZipExtFile stops at the declared size and checks the CRC, so a lying directory
            # cannot make an entry unpack to more than was checked in open_archive.
            with self.archive.open(info) as entry:
                return entry.read(info.file_size if limit is None else min(limit, info.file_size))
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            raise ArchiveError("archive.unreadable", name=info.filename, reason=str(error)) from None


def open_archive(data: bytes, limits: ArchiveLimits) -> ZipSource:
    """Check the archive from its directory and open it for reading. Raises ArchiveError."""
    if len(data) > limits.max_bytes:
        raise ArchiveError("archive.too-large", mb=limits.max_bytes // 1_000_000)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ArchiveError("archive.not-zip") from None
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise ArchiveError("archive.too-many-files", count=limits.max_files)
    if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
        raise ArchiveError("archive.unpacks-too-large", mb=limits.max_uncompressed_bytes // 1_000_000)
    files: dict[PurePosixPath, zipfile.ZipInfo] = {}
    for info in infos:
        relative = _safe_member(info)
        if relative is None:
            continue
        if relative in files or any(parent in files for parent in relative.parents):
            raise ArchiveError("archive.twice", name=info.filename)
        files[relative] = info
    source = ZipSource(archive, files)
    clash = next((path for path in files if path in source.dirs), None)
    if clash is not None:
        raise ArchiveError("archive.twice", name=files[clash].filename)
    return source


def read_archive(data: bytes, limits: ArchiveLimits, max_lesson_bytes: int, max_image_bytes: int):
    """(course trees, problems) from an uploaded ZIP: read and validated like `flask courses
    import` reads a folder; the trees are empty when there are problems.

    The archive holds one course folder, either at its root or inside one top-level folder.
    Raises ArchiveError when the archive itself is unsafe or unreadable.
    """
    source = open_archive(data, limits)
    entries = [child for child in source.children(ROOT) if not child.name.startswith(("__MACOSX", "."))]
    if not source.is_file(ROOT / "course.toml") and len(entries) == 1 and source.is_dir(entries[0]):
        source = source.within(entries[0])
    if not source.is_file(ROOT / "course.toml"):
        return [], [Problem("archive.no-course", Place("archive"))]
    reading = Limits(max_lesson_bytes, max_image_bytes)
    specs, problems = read_tree(source, reading)
    problems += validate_tree(specs, reading)
    for spec in specs:
        spec.source_path = None
    return ([] if problems else specs), problems
