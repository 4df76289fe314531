"""What a course's offline copy holds, gathered once: its lessons' text, its quizzes' questions
(never which options are correct, nor their feedback), the images the lessons show, and a
digest of all of it that names the cached files (a new version of the course, a new digest).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.courses.models import Course, Lesson
from lms.extensions import db
from lms.i18n import language_direction
from lms.media.services import media_dir
from lms.quizzes.models import Question, Quiz

# Bump when the books' layout changes, so that cached copies are made again.
FORMAT = "offline-3"
MEDIA_SRC = re.compile(r'<img\b[^>]*?\bsrc="/media/([0-9a-f]{64}\.(png|jpg|jpeg|gif|webp))"')
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


@dataclass(frozen=True)
class Image:
    filename: str  # <sha256>.<ext>, as under /media/
    media_type: str
    data: bytes


@dataclass
class Book:
    course: Course
    bodies: dict[int, str]  # lesson id -> sanitised HTML
    quizzes: dict[int, Quiz]  # module id -> quiz with its questions and options
    images: dict[str, Image] = field(default_factory=dict)  # "/media/<file>" -> image
    digest: str = ""
    files: dict[tuple[str, int], str] = field(default_factory=dict)  # (kind, id) -> file name

    @property
    def language(self) -> str:
        return self.course.language

    @property
    def direction(self) -> str:
        return language_direction(self.course.language)

    def lesson_file(self, lesson) -> str:
        return self.files[("lesson", lesson.id)]

    def quiz_file(self, module) -> str:
        return self.files[("quiz", module.id)]

    @property
    def lesson_files(self) -> dict[str, str]:
        """Lesson slug -> its file, for links between lessons."""
        return {lesson.slug: self.lesson_file(lesson) for lesson in self.course.lessons}

    def site_link(self, href: str, inside: dict[str, str]) -> str:
        """A link of a lesson, for a reader without this site: a lesson of the course becomes
        `inside[slug]`; another page of the site becomes absolute (from BASE_URL)."""
        prefix = f"/courses/{self.course.slug}/lessons/"
        if href.startswith(prefix):
            slug, _, anchor = href[len(prefix) :].partition("#")
            if slug in inside:
                return inside[slug] + (f"#{anchor}" if anchor else "")
        if href.startswith("/") and not href.startswith("//"):
            return current_app.config["BASE_URL"].rstrip("/") + href
        return href


def gather(course: Course) -> Book:
    """The course (loaded with its structure) with everything its offline copy shows: two
    queries, whatever the course's size."""
    lesson_ids = [lesson.id for lesson in course.lessons]
    rows = db.session.execute(select(Lesson.id, Lesson.body_html).where(Lesson.id.in_(lesson_ids)))
    bodies = {lesson_id: html for lesson_id, html in rows}
    quizzes = {
        quiz.module_id: quiz
        for quiz in db.session.scalars(
            select(Quiz)
            .where(Quiz.course_id == course.id)
            .options(selectinload(Quiz.questions).selectinload(Question.options))
        )
    }
    book = Book(course, bodies, quizzes)
    for m, module in enumerate(course.modules, 1):
        book.files[("quiz", module.id)] = f"quiz-{m:02d}.xhtml"
        for n, lesson in enumerate(module.lessons, 1):
            book.files[("lesson", lesson.id)] = f"lesson-{m:02d}-{n:02d}.xhtml"
    book.images = _images(bodies.values())
    book.digest = _digest(book)
    return book


def _images(bodies) -> dict[str, Image]:
    found = {}
    folder = media_dir()
    for body in bodies:
        for name, extension in MEDIA_SRC.findall(body or ""):
            path = Path(folder, name)
            if f"/media/{name}" not in found and path.is_file():
                found[f"/media/{name}"] = Image(name, MEDIA_TYPES[extension], path.read_bytes())
    return found


def _digest(book: Book) -> str:
    course = book.course
    content = {
        "format": FORMAT,
        "course": [
            course.slug,
            course.version,
            course.title,
            course.summary,
            course.language,
            course.outcomes,
        ],
        "base": current_app.config["BASE_URL"],
        "modules": [
            [
                module.slug,
                module.title,
                module.summary,
                [[lesson.slug, lesson.title, lesson.minutes] for lesson in module.lessons],
            ]
            for module in course.modules
        ],
        "bodies": sorted(book.bodies.items()),
        "quizzes": [
            [
                quiz.title,
                [[q.slug, q.kind, q.prompt, [[o.slug, o.text] for o in q.options]] for q in quiz.questions],
            ]
            for _, quiz in sorted(book.quizzes.items())
        ],
        "images": sorted(book.images),
    }
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode()).hexdigest()
