"""Participation data: trainers (for the courses they teach) and admins; exact figures for admins only.

Uses the base world: `open` taught by the trainer, `hidden` by the other trainer.
"""

from tests.access import LOGIN, TRAINERS, Route, cells, post

TEACHERS_OF_OPEN = cells(LOGIN, 403, 200, 200, other_trainer=403)
TEACHERS_OF_HIDDEN = cells(LOGIN, 403, 403, 200, other_trainer=200)

ROUTES = [
    Route("reports.dashboard", "/reports/participation", TRAINERS),
    Route("reports.dashboard", "/reports/participation?course=open", TEACHERS_OF_OPEN, note="course open"),
    Route(
        "reports.dashboard", "/reports/participation?course=hidden", TEACHERS_OF_HIDDEN, note="course hidden"
    ),
    Route(
        "reports.dashboard",
        "/reports/participation?country=ZZ",
        cells(LOGIN, 403, 400, 400),
        note="unknown country",
    ),
    Route("reports.download_csv", "/reports/participation.csv", TRAINERS),
    Route(
        "reports.download_csv", "/reports/participation.csv?course=open", TEACHERS_OF_OPEN, note="course open"
    ),
    Route(
        "reports.download_csv",
        "/reports/participation.csv?course=hidden",
        TEACHERS_OF_HIDDEN,
        note="course hidden",
    ),
    Route("reports.download_brief", "/reports/participation/brief.pdf", TRAINERS),
    Route(
        "reports.download_brief",
        "/reports/participation/brief.pdf?course=hidden",
        TEACHERS_OF_HIDDEN,
        note="course hidden",
    ),
    post("reports.download_exact_csv", "/reports/participation/exact.csv", cells(LOGIN, 403, 403, 200)),
    # Prepared as jobs: a redirect to the job's page.
    post("reports.export", "/reports/participation/export/csv", cells(LOGIN, 403, 302, 302)),
    post(
        "reports.export",
        "/reports/participation/export/brief?course=open",
        cells(LOGIN, 403, 302, 302, other_trainer=403),
        note="course open",
    ),
    post("reports.export", "/reports/participation/export/exact", cells(LOGIN, 403, 403, 302), note="exact"),
]
