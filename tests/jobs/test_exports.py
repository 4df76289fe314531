"""Exports as jobs (tasks run in-process here; tests/jobs/test_worker_exports.py runs them on a
real worker): the owner's page, the mail, the download kept for a while, failure and retry."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.columns import utcnow
from lms.jobs import services
from lms.jobs.models import Job, JobState
from lms.jobs.services import JobKind, JobProblem
from tests import factories, mailbox
from tests.certificates.conftest import complete_course

EXPORT = "/admin/certificates/export?course=ict-basics"
ADMIN_EMAIL = "exports@example.org"


@pytest.fixture
def small_course(db):
    course = factories.make_course("ict-basics", modules=1, lessons=2, quiz=False, title="ICT Basics")
    db.session.commit()
    return course


@pytest.fixture
def exported(db, small_course):
    """Two certificates of `small_course`."""
    for name in ("Ama Mensah", "Nguyễn Thị Hoa"):
        complete_course(factories.make_user(full_name=name), small_course)
    db.session.commit()


@pytest.fixture
def admin(login, make_user):
    return login(make_user(role="admin", full_name="Export Admin", email=ADMIN_EMAIL))


def owner(db):
    return db.session.execute(select(User).where(User.email == ADMIN_EMAIL)).scalar_one()


def start_export(client) -> int:
    response = client.submit(EXPORT)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def download(client, url: str):
    """GET a download and close it (the file it streams from is closed with it)."""
    response = client.get(url)
    response.get_data()  # read it whole, then close what it was streamed from
    response.close()
    return response


def start_and_run(app, db, kind: str) -> int:
    with app.test_request_context():
        job = services.start(kind, owner(db))
        job_id = job.id
        db.session.commit()
    services.run.apply(args=[job_id])
    return job_id


def test_an_export_runs_as_a_job_mails_its_owner_and_is_downloaded_from_its_page(app, admin, exported):
    job_id = start_export(admin)
    page = admin.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Ready." in page and f"/jobs/{job_id}/download" in page and 'http-equiv="refresh"' not in page
    archive = zipfile.ZipFile(io.BytesIO(download(admin, f"/jobs/{job_id}/download").data))
    assert archive.testzip() is None
    assert len([name for name in archive.namelist() if name.endswith(".pdf")]) == 2
    assert len(archive.read("register.csv").decode("utf-8-sig").splitlines()) == 3
    (message,) = [m for m in mailbox.messages(app) if m["To"] == ADMIN_EMAIL]
    assert message["Subject"].startswith("Ready: Certificates")
    assert f"http://localhost/jobs/{job_id}" in mailbox.links(message.get_content())
    assert f"/jobs/{job_id}" in admin.get("/jobs").get_data(as_text=True)


def test_the_file_is_private_to_its_owner_and_administrators(app, make_user, admin, exported):
    job_id = start_export(admin)
    other_admin = app.test_client()
    second = make_user(role="admin", email="second@example.org")
    other_admin.submit("/login", {"email": second.email, "password": factories.DEFAULT_PASSWORD})
    assert download(other_admin, f"/jobs/{job_id}/download").status_code == 200
    learner = app.test_client()
    someone = make_user(email="learner@example.org")
    learner.submit("/login", {"email": someone.email, "password": factories.DEFAULT_PASSWORD})
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/download"):
        assert learner.get(url).status_code == 404  # a link forwarded to someone else is worthless
    assert learner.submit(f"/jobs/{job_id}/retry").status_code == 404


def test_an_expired_download_says_it_expired_and_the_schedule_deletes_it(app, db, admin, exported):
    job_id = start_export(admin)
    job = db.session.get(Job, job_id)
    stored = services.stored_file(job)
    assert stored.exists() and stored.stat().st_mode & 0o077 == 0
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = admin.get(f"/jobs/{job_id}/download")
    assert response.status_code == 410 and "This file has expired" in response.get_data(as_text=True)
    crashed = services.exports_dir() / "job-99-0123456789abcdef.zip.part"  # a killed worker's
    crashed.write_bytes(b"PK")
    os.utime(crashed, (time.time() - 2 * 86400,) * 2)
    fresh = services.exports_dir() / "job-98-0123456789abcdef.zip.part"  # a running job's
    fresh.write_bytes(b"PK")
    assert services.expire.apply().get() == 2
    assert not stored.exists() and not crashed.exists() and fresh.exists()
    assert "expired on" in admin.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert admin.get(f"/jobs/{job_id}/download").status_code == 410


def test_nothing_to_export_stays_on_the_register_and_starts_no_job(db, admin, small_course):
    response = admin.submit("/admin/certificates/export?country=FR")
    assert response.status_code == 302 and "/admin/certificates" in response.headers["Location"]
    assert "nothing to export" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(Job)).first() is None


def test_bad_filters_and_a_missing_csrf_token_are_refused(db, admin, small_course):
    assert admin.submit("/admin/certificates/export?since=2026-13-45").status_code == 400
    assert admin.post(EXPORT).status_code == 400  # no CSRF token
    assert admin.get(EXPORT).status_code == 405
    assert db.session.execute(select(Job)).first() is None


@pytest.fixture
def flaky_kind(app):
    """A kind that fails while `failing` holds a problem code (or "crash"), else writes a file."""
    state = {"failing": "flaky-broken"}

    def run(job, progress, out):
        progress(1, 2)
        if state["failing"] == "crash":
            raise ValueError("a bug")
        if state["failing"]:
            raise JobProblem(state["failing"])
        out.write_bytes(b"done")
        return {"lines": ["one line of summary"]}

    services.register(
        JobKind("test-flaky", "Flaky test job", run, suffix=".txt", download_name="flaky.txt",
                problems={"flaky-broken": "the test said no"})
    )  # fmt: skip
    yield state
    services.KINDS.pop("test-flaky")


def test_a_failed_job_says_why_mails_its_owner_and_can_be_tried_again(app, db, admin, flaky_kind):
    job_id = start_and_run(app, db, "test-flaky")
    page = admin.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "This job failed: the test said no" in page and "Try again" in page
    failed_mail = [m for m in mailbox.messages(app) if m["Subject"].startswith("Failed: Flaky")]
    assert failed_mail and "the test said no" in failed_mail[0].get_content()
    flaky_kind["failing"] = ""
    assert admin.submit(f"/jobs/{job_id}/retry").status_code == 302
    page = admin.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Ready." in page and "one line of summary" in page
    assert download(admin, f"/jobs/{job_id}/download").data == b"done"
    assert admin.submit(f"/jobs/{job_id}/retry").status_code == 409  # only a failed job
    db.session.expire_all()
    assert db.session.get(Job, job_id).attempts == 2


def test_an_unexpected_error_fails_the_job_without_a_half_written_file(app, db, admin, flaky_kind, caplog):
    flaky_kind["failing"] = "crash"
    job_id = start_and_run(app, db, "test-flaky")
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == JobState.FAILED and job.problem == "failed" and job.file_name is None
    assert list(services.exports_dir().glob(f"job-{job_id}-*")) == []  # nor its .part
    assert f"Job {job_id} (test-flaky) failed" in caplog.text
    assert "unexpected error" in admin.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_a_job_in_progress_refreshes_itself_until_asked_not_to(app, db, admin, flaky_kind):
    job = Job(kind="test-flaky", owner_id=owner(db).id, state=JobState.RUNNING, done=250, total=1000)
    db.session.add(job)
    db.session.commit()
    page = admin.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="job-progress" max="100" value="25">' in page and "250 of 1000 (25%)" in page
    still = admin.get(f"/jobs/{job.id}?refresh=off").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in still and "Refresh now" in still


def test_a_repeated_task_leaves_a_finished_job_as_it_is(app, db, admin, exported):
    job_id = start_export(admin)
    stored = services.stored_file(db.session.get(Job, job_id))
    before = stored.stat().st_mtime_ns
    assert services.run.apply(args=[job_id]).get() == "nothing to do"
    assert stored.stat().st_mtime_ns == before
    assert len([m for m in mailbox.messages(app) if m["Subject"].startswith("Ready")]) == 1


def test_the_mail_and_page_are_in_the_language_the_export_was_asked_in(app, admin, exported):
    admin.submit("/language", {"language": "fr"})
    job_id = start_export(admin)
    (message,) = [m for m in mailbox.messages(app) if m["To"] == ADMIN_EMAIL]
    assert message["Subject"].startswith("Prêt")
    assert "Télécharger" in admin.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_cli_runs_an_export_queued_and_follows_it(app, runner, db, exported, tmp_path):
    factories.make_user(role="admin", email="cli-admin@example.org")
    db.session.commit()
    out = tmp_path / "queued.zip"
    result = runner.invoke(
        args=["certificates", "export", "--course", "ict-basics", "--queued", "--as", "cli-admin@example.org",
              "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Exported 2 certificate(s)" in result.output and "job" in result.output
    assert len([n for n in zipfile.ZipFile(out).namelist() if n.endswith(".pdf")]) == 2
    assert db.session.execute(select(Job.state)).scalar_one() == JobState.SUCCEEDED
    refused = runner.invoke(args=["certificates", "export", "--queued", "--out", str(tmp_path / "x.zip")])
    assert refused.exit_code != 0 and "--as" in refused.output
