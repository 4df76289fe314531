"""Course specs to files and ZIP archives, and ZIP archives back to validated specs.

Writing is the inverse of `lms.content.format.load_tree`: `write_course(spec, folder)` produces a
tree that `load_tree` reads back into an equal spec. Authoring uses it to export a course, and to
publish a draft through exactly the same validation and import path as files (see
lms/authoring/publishing.py).

Reading an uploaded archive is defensive: the archive's size, number of entries and total
uncompressed size are checked from its directory before anything is written to disk, and no
entry may escape the folder it is extracted into (absolute paths, `..`, drive letters,
backslashes and symbolic links are refused).
"""

from __future__ import annotations

import io
import json
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from lms.content.format import CourseSpec, LessonSpec, ModuleSpec, Problem, QuizSpec, load_tree

# An inline Markdown image, as `lms.content.markup.image_references` finds them: group 2 is the target.
INLINE_IMAGE = re.compile(r"(!\[[^\]]*\]\(\s*<?)([^)\s>]+)")


class ArchiveError(ValueError):
    """The archive cannot be read safely; the message says why (in English: callers translate)."""


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


def write_course(spec: CourseSpec, folder: Path) -> None:
    """Write `spec` as a course folder (course.toml, NN-module folders, lessons, quizzes, images)."""
    folder.mkdir(parents=True, exist_ok=True)
    head = [
        ("slug", spec.slug), ("title", spec.title), ("summary", spec.summary),
        ("audience", str(spec.audience.value) if spec.audience is not None else None),
        ("language", spec.language), ("hours", spec.hours), ("version", spec.version),
        ("outcomes", list(spec.outcomes)), ("enrolment_key", spec.enrolment_key),
        ("enrol_from", spec.enrol_from), ("enrol_until", spec.enrol_until), ("published", spec.published),
    ]  # fmt: skip
    completion = [
        ("rule", spec.completion_rule.value if spec.completion_rule is not None else None),
        ("pass_mark", spec.pass_mark),
    ]
    (folder / "course.toml").write_text(
        _toml_lines(head) + "\n[completion]\n" + _toml_lines(completion), encoding="utf-8"
    )
    for position, module in enumerate(spec.modules, start=1):
        write_module(module, folder / module_folder(position, module.slug))


def write_module(module: ModuleSpec, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.toml").write_text(
        _toml_lines([("title", module.title), ("summary", module.summary)]), encoding="utf-8"
    )
    for position, lesson in enumerate(module.lessons, start=1):
        write_lesson(lesson, folder, lesson_file(position, lesson.slug))
    if module.quiz is not None:
        (folder / "quiz.toml").write_text(quiz_toml(module.quiz), encoding="utf-8")


def write_lesson(lesson: LessonSpec, module_dir: Path, name: str) -> None:
    header = _toml_lines([("title", lesson.title), ("minutes", lesson.minutes)])
    (module_dir / name).write_text(f"+++\n{header}+++\n\n{lesson.body}", encoding="utf-8")
    for target, data in lesson.images.items():
        parts = target.split("/")
        if len(parts) == 2 and parts[0] == "images" and parts[1] not in {"", ".", ".."}:
            (module_dir / "images").mkdir(exist_ok=True)
            (module_dir / "images" / parts[1]).write_bytes(data)


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
    with tempfile.TemporaryDirectory(prefix="lms-export-") as temporary:
        root = Path(temporary) / spec.slug
        write_course(spec, root)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, str(PurePosixPath(spec.slug, *path.relative_to(root).parts)))
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's relative path, or raise when it could escape; None for directories."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(f"'{name}' is a symbolic link; archives may not contain links")
    if "\\" in name or _DRIVE.match(name) or name.startswith("/") or "\x00" in name:
        raise ArchiveError(f"'{name}' is not a relative path inside the archive")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts) or any(ord(c) < 32 for c in name):
        raise ArchiveError(f"'{name}' points outside its folder")
    if info.is_dir() or not parts:
        return None
    return PurePosixPath(*parts)


def extract_archive(data: bytes, target: Path, limits: ArchiveLimits) -> None:
    """Check the archive from its directory, then extract it under `target`. Raises ArchiveError."""
    if len(data) > limits.max_bytes:
        raise ArchiveError(f"the archive is larger than {limits.max_bytes // 1_000_000} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ArchiveError("the file is not a ZIP archive") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            raise ArchiveError(f"the archive holds more than {limits.max_files} files")
        if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
            raise ArchiveError(
                f"the archive would unpack to more than {limits.max_uncompressed_bytes // 1_000_000} MB"
            )
        members = [(info, _safe_member(info)) for info in infos]
        root = target.resolve()
        for info, relative in members:
            if relative is None:
                continue
            destination = root.joinpath(*relative.parts)
            if not destination.resolve().is_relative_to(root):
                raise ArchiveError(f"'{info.filename}' points outside its folder")
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                # ZipExtFile stops at the declared size and checks the CRC, so a lying
                # directory cannot make an entry unpack to more than was checked above.
                with archive.open(info) as source, open(destination, "xb") as sink:
                    while chunk := source.read(1 << 16):
                        sink.write(chunk)
            except FileExistsError:
                raise ArchiveError(f"'{info.filename}' appears twice in the archive") from None
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise ArchiveError(f"'{info.filename}' cannot be unpacked ({error})") from None


def read_archive(data: bytes, limits: ArchiveLimits, max_lesson_bytes: int, max_image_bytes: int):
    """(course specs, problems) from an uploaded ZIP, validated like `flask courses import`.

    The archive holds one course folder, either at its root or inside one top-level folder.
    Raises ArchiveError when the archive itself is unsafe or unreadable.
    """
    with tempfile.TemporaryDirectory(prefix="lms-import-") as temporary:
        root = Path(temporary) / "archive"
        root.mkdir()
        extract_archive(data, root, limits)
        entries = [child for child in root.iterdir() if not child.name.startswith(("__MACOSX", "."))]
        folder = root
        if not (root / "course.toml").exists() and len(entries) == 1 and entries[0].is_dir():
            folder = entries[0]
        if not (folder / "course.toml").is_file():
            return [], [
                Problem("archive", None, "no course.toml at the top of the archive or its one folder")
            ]
        specs, problems = load_tree(folder, max_lesson_bytes, max_image_bytes)
        prefix = str(folder.parent)
        problems = [
            Problem(problem.path.removeprefix(prefix).lstrip("/"), problem.line, problem.message)
            for problem in problems
        ]
        for spec in specs:
            spec.source_path = None
        return specs, problems
