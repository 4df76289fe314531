"""A course as an EPUB 3 book (the W3C's EPUB 3.3; checked by EPUBCheck in the tests).

One XHTML document per lesson and per quiz, a navigation document as the table of contents,
the lessons' images packed inside, and the course's language and direction on every document
and on the spine, so that an Arabic course turns its pages from right to left.
"""

from __future__ import annotations

import uuid
import zipfile
from io import BytesIO

from flask import current_app, render_template

from lms.links import absolute_url
from lms.offline.book import Book
from lms.offline.xhtml import to_xhtml

CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def chapters(book: Book) -> list[dict]:
    """The reading order after the title page: each module's lessons, then its quiz."""
    inside = book.lesson_files
    found = []

    def image(src: str) -> str | None:
        return f"images/{book.images[src].filename}" if src in book.images else None

    for module in book.course.modules:
        for lesson in module.lessons:
            body = to_xhtml(
                book.bodies.get(lesson.id) or "", image=image, link=lambda h: book.site_link(h, inside)
            )
            found.append(
                {
                    "file": book.lesson_file(lesson),
                    "title": lesson.title,
                    "lesson": lesson,
                    "body": body,
                    "module_id": module.id,
                }
            )
        quiz = book.quizzes.get(module.id)
        if quiz is not None:
            url = absolute_url("quizzes.quiz", slug=book.course.slug, module_slug=module.slug)
            found.append(
                {
                    "file": book.quiz_file(module),
                    "title": quiz.title,
                    "quiz": quiz,
                    "url": url,
                    "module_id": module.id,
                }
            )
    return found


def build(book: Book) -> bytes:
    """The .epub file's bytes. `mimetype` comes first and uncompressed, as readers expect."""
    parts = chapters(book)
    values = {"book": book, "course": book.course}
    course = book.course
    identifier = uuid.uuid5(
        uuid.NAMESPACE_URL, f"{current_app.config['BASE_URL']}/courses/{course.slug}#{book.digest}"
    )
    documents = {
        "EPUB/package.opf": render_template(
            "offline/package.opf.xml",
            **values,
            chapters=parts,
            identifier=identifier,
            modified=course.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            publisher=current_app.config["SITE_NAME"],
        ),
        "EPUB/nav.xhtml": render_template("offline/nav.xhtml", **values, chapters=parts),
        "EPUB/title.xhtml": render_template("offline/title.xhtml", **values),
        "EPUB/book.css": render_template("offline/book.css"),
    }
    for part in parts:
        documents[f"EPUB/{part['file']}"] = render_template("offline/chapter.xhtml", **values, part=part)
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/container.xml", CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        for name, text in documents.items():
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
        for image in book.images.values():  # already compressed formats
            archive.writestr(f"EPUB/images/{image.filename}", image.data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()
