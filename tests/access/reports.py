"""Participation data: trainers (their courses) and admins; exact figures for admins only.

Uses the world of tests/access/learning.py: course `open` taught by the trainer, draft `hidden` not.
"""

from tests.access import TRAINERS, Route

ROUTES = [
    Route("reports.dashboard", lambda w: "/reports/participation", TRAINERS),
    Route(
        "reports.dashboard", lambda w: "/reports/participation?course=open", TRAINERS, note="taught course"
    ),
    Route(
        "reports.dashboard",
        lambda w: "/reports/participation?course=hidden",
        dict(anonymous=302, learner=403, trainer=403, admin=200),
        note="course not taught",
    ),
    Route(
        "reports.dashboard",
        lambda w: "/reports/participation?country=ZZ",
        dict(anonymous=302, learner=403, trainer=400, admin=400),
        note="unknown country",
    ),
    Route("reports.download_csv", lambda w: "/reports/participation.csv", TRAINERS),
    Route(
        "reports.download_csv",
        lambda w: "/reports/participation.csv?course=hidden",
        dict(anonymous=302, learner=403, trainer=403, admin=200),
        note="course not taught",
    ),
    Route("reports.download_brief", lambda w: "/reports/participation/brief.pdf", TRAINERS),
    Route(
        "reports.download_exact_csv",
        lambda w: "/reports/participation/exact.csv",
        dict(anonymous=302, learner=403, trainer=403, admin=200),
        method="POST",
    ),
]
