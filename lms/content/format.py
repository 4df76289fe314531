"""The courses/ file format (documented in courses/README.md) in three steps, all in memory:

1. **read** (`lms.content.reading`): files (a folder, or a ZIP archive read in place) become a
   tree of `lms.content.tree` nodes; problems with names, encodings, TOML and types;
2. **validate** (`lms.content.validation`): the rules of the format, on any tree, whether it
   was read from files or made from a draft in the course editor;
3. **apply** (`lms.content.importer`): a tree without problems becomes the course learners see.

Problems are data (`lms.content.problems`): a code, a place and parameters; every one is
collected instead of stopping at the first, so an author fixes a whole tree in one pass.
`load_tree` is steps 1 and 2 for a folder on disk (`flask courses import`).
"""

from __future__ import annotations

from pathlib import Path

from lms.content.problems import Place, Problem
from lms.content.reading import FolderSource, Limits, read_tree
from lms.content.tree import (
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    OptionSpec,
    QuestionSpec,
    QuizSpec,
)
from lms.content.validation import MAX_SLUG, SLUG, validate_tree

__all__ = [
    "MAX_SLUG", "SLUG", "CourseSpec", "LessonSpec", "Limits", "ModuleSpec", "OptionSpec", "Place", "Problem",
    "QuestionSpec", "QuizSpec", "load_tree",
]  # fmt: skip


def load_tree(path: Path, max_lesson_bytes: int = 1_000_000, max_image_bytes: int = 2_000_000):
    """Read and validate every course under `path` (a folder of courses, or one course folder).

    Returns (courses, problems); when there are problems, courses is empty: nothing may be
    imported.
    """
    limits = Limits(max_lesson_bytes, max_image_bytes)
    courses, problems = read_tree(FolderSource(Path(path)), limits)
    problems += validate_tree(courses, limits)
    return ([] if problems else courses), problems
