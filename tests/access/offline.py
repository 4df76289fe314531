"""Offline copies of a course (EPUB and one HTML file): for those who may study it, like its
lessons. Uses the base world: `open` with the enrolled learner and its trainer, `hidden`
unpublished and taught by the other trainer."""

from tests.access import LOGIN, Route, cells

STUDY = cells(LOGIN, 200, 200, 200, not_enrolled=403, other_trainer=403)
DRAFT_STUDY = cells(LOGIN, 404, 404, 200, other_trainer=200)
UNKNOWN = cells(LOGIN, 404, 404, 404)

ROUTES = [
    Route("offline.download_epub", "/courses/open/offline.epub", STUDY),
    Route("offline.download_epub", "/courses/hidden/offline.epub", DRAFT_STUDY, note="unpublished"),
    Route("offline.download_epub", "/courses/nope/offline.epub", UNKNOWN, note="unknown"),
    Route("offline.download_html", "/courses/open/offline.html", STUDY),
    Route("offline.download_html", "/courses/hidden/offline.html", DRAFT_STUDY, note="unpublished"),
    Route("offline.download_html", "/courses/nope/offline.html", UNKNOWN, note="unknown"),
]
