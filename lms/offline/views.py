"""Downloads of a whole course for reading offline: for those who may study it (its learners,
trainers and administrators); anyone else signed in is offered enrolment, as for a lesson."""

from __future__ import annotations

import re

from flask import Response

from lms.courses.queries import course_by_slug
from lms.enrolment.access import course_for_study, offer_enrolment
from lms.offline import bp, copies, epub, page
from lms.offline.book import gather
from lms.policy import login_required

FORMATS = {
    "epub": ("application/epub+zip", epub.build),
    "html": ("text/html; charset=utf-8", page.build),
}


@bp.get("/courses/<slug>/offline.epub")
@login_required
def download_epub(slug: str):
    return _download(slug, "epub")


@bp.get("/courses/<slug>/offline.html")
@login_required
def download_html(slug: str):
    return _download(slug, "html")


def _download(slug: str, extension: str):
    course, _enrolment, allowed = course_for_study(slug)
    if not allowed:
        return offer_enrolment(course)
    media_type, build = FORMATS[extension]
    # The whole structure, in a few queries (pages read a cached outline; a book needs objects).
    course = course_by_slug(course.slug, with_structure=True)
    data = copies.cached(gather(course), extension, build)
    version = re.sub(r"[^\w.-]+", "-", course.version, flags=re.ASCII)
    slug = re.sub(r"[^\w.-]+", "-", course.slug, flags=re.ASCII)
    # The bytes are in memory already: a plain response, not a stream of a file.
    return Response(
        data,
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="{slug}-{version}.{extension}"'},
    )
