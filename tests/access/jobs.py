"""Jobs: the owner's pages of an export, its download and its retry; anybody else gets 404.

The world has a finished certificate export owned by the enrolled learner (its file written)
and a failed one owned by the same learner.
"""

from tests.access import LOGIN, SIGNED_IN, Route, cells, post

OWNER_OR_ADMIN = cells(LOGIN, 200, 404, 200, not_enrolled=404)


def build(world):
    from datetime import timedelta

    from flask import current_app

    from lms.columns import utcnow
    from lms.extensions import db
    from lms.files import private_directory, write_private
    from lms.jobs.models import Job, JobState

    now = utcnow()
    world.job = Job(kind="certificates-zip", owner_id=world.enrolled.id, total=0, params={})
    world.failed_job = Job(kind="certificates-zip", owner_id=world.enrolled.id, params={"course": "no-such"})
    db.session.add_all([world.job, world.failed_job])
    db.session.flush()
    world.job.succeed(now, file_name=f"job-{world.job.id}.zip", size=22, expires_at=now + timedelta(days=1))
    world.failed_job.state = JobState.RUNNING
    world.failed_job.fail(now, "failed")
    folder = private_directory(__import__("pathlib").Path(current_app.config["EXPORTS_DIR"]))
    write_private(folder / world.job.file_name, b"PK\x05\x06" + b"\0" * 18)


ROUTES = [
    Route("jobs.mine", "/jobs", SIGNED_IN),
    Route("jobs.show", lambda w: f"/jobs/{w.job.id}", OWNER_OR_ADMIN),
    Route("jobs.show", "/jobs/999999", cells(LOGIN, 404, 404, 404), note="unknown"),
    Route("jobs.download", lambda w: f"/jobs/{w.job.id}/download", OWNER_OR_ADMIN),
    Route(
        "jobs.download",
        lambda w: f"/jobs/{w.failed_job.id}/download",
        cells(LOGIN, 409, 404, 409, not_enrolled=404),
        note="failed: no file",
    ),
    post(
        "jobs.retry",
        lambda w: f"/jobs/{w.failed_job.id}/retry",
        cells(LOGIN, 302, 404, 302, not_enrolled=404),
    ),
    post(
        "jobs.retry",
        lambda w: f"/jobs/{w.job.id}/retry",
        cells(LOGIN, 409, 404, 409, not_enrolled=404),
        note="not failed",
    ),
]
