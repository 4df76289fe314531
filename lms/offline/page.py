"""A course as one self-contained HTML file: every lesson and quiz on one page, its images
inlined as `data:` URIs, its style inside, nothing fetched when it is opened from a phone's
storage. The same parts as the EPUB, linked by anchors instead of files."""

from __future__ import annotations

import base64

from flask import render_template

from lms.offline.book import Book
from lms.offline.epub import chapters
from lms.offline.xhtml import to_xhtml


def build(book: Book) -> bytes:
    inside = {lesson.slug: f"#{anchor(book.lesson_file(lesson))}" for lesson in book.course.lessons}

    def image(src: str) -> str | None:
        found = book.images.get(src)
        if found is None:
            return None
        return f"data:{found.media_type};base64,{base64.b64encode(found.data).decode()}"

    parts = chapters(book)
    for part in parts:
        part["anchor"] = anchor(part["file"])
        if "lesson" in part:
            part["body"] = to_xhtml(
                book.bodies.get(part["lesson"].id) or "",
                image=image,
                link=lambda h: book.site_link(h, inside),
            )
    html = render_template(
        "offline/book.html",
        book=book,
        course=book.course,
        chapters=parts,
        style=render_template("offline/book.css"),
    )
    return html.encode()


def anchor(file: str) -> str:
    return file.removesuffix(".xhtml")
