"""Write small course trees to disk for importer tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

# A 1x1 PNG that Pillow decodes (images are decoded on import) and re-encodes to the same bytes.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)

COURSE_TOML = """\
slug = "{slug}"
title = "Teaching with ICT"
summary = "A short course."
audience = "faculty"
language = "en"
hours = 1.5
version = "1.0"
outcomes = ["Plan a blended lesson."]

[completion]
rule = "lessons-and-quizzes"
pass_mark = 70
"""

QUIZ_TOML = """\
title = "Check"
max_attempts = 2

[[questions]]
slug = "q1"
type = "single"
prompt = "Pick the right one."

  [[questions.options]]
  slug = "a"
  text = "Right"
  correct = true
  feedback = "Yes."

  [[questions.options]]
  slug = "b"
  text = "Wrong"
  feedback = "No."
"""


def lesson(title: str = "A lesson", minutes: int = 10, body: str = "## Heading\n\nSome text.\n") -> str:
    return f'+++\ntitle = "{title}"\nminutes = {minutes}\n+++\n\n{body}'


def write_course(
    root: Path, slug: str = "ict-basics", files: dict[str, str | bytes | None] | None = None
) -> Path:
    """A valid two-lesson course; `files` adds, replaces (str/bytes) or deletes (None) files."""
    folder = root / slug
    defaults: dict[str, str | bytes | None] = {
        "course.toml": COURSE_TOML.format(slug=slug),
        "01-start/module.toml": 'title = "Getting started"\nsummary = "First steps."\n',
        "01-start/01-welcome.md": lesson("Welcome"),
        "01-start/02-tools.md": lesson("Tools", body="![A diagram](images/diagram.png)\n\nText.\n"),
        "01-start/images/diagram.png": PNG_1PX,
        "01-start/quiz.toml": QUIZ_TOML,
    }
    defaults.update(files or {})
    for name, content in defaults.items():
        path = folder / name
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder
