"""Participation downloads as jobs: the same protected CSV, brief and exact CSV as the direct
downloads, computed by the task with the owner's scope as it stands when it runs."""

from __future__ import annotations

import csv
import io

from sqlalchemy import delete, select

from lms.courses.models import CourseTrainer
from lms.jobs.models import Job, JobState
from lms.reports.models import ReportExport
from lms.roles import Role
from tests import factories
from tests.reports.test_views import populate


def start(client, url: str) -> str:
    response = client.submit(url)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def download(client, job_page: str):
    response = client.get(job_page + "/download")
    data = response.get_data()
    response.close()
    return response, data


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_protected_csv_as_a_job_matches_the_direct_download(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    job_page = start(client, "/reports/participation/export/csv?country=UG")
    response, data = download(client, job_page)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    direct = client.get("/reports/participation.csv?country=UG").get_data()
    assert csv_rows(data) == csv_rows(direct)
    another = [r for r in csv_rows(data) if r["breakdown"] == "overall" and r["gender"] == "another"]
    assert another[0]["value"] == "<5"


def test_the_policy_brief_as_a_job_is_a_pdf(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    response, data = download(client, start(client, "/reports/participation/export/brief"))
    assert response.status_code == 200 and data.startswith(b"%PDF")


def test_the_exact_csv_job_is_for_administrators_and_audit_logged_when_asked(db, course, make_user, login):
    populate(db, course)
    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    _response, data = download(client, start(client, "/reports/participation/export/exact?country=UG"))
    another = [r for r in csv_rows(data) if r["breakdown"] == "overall" and r["gender"] == "another"]
    assert another[0]["value"] == "1"
    entry = db.session.execute(select(ReportExport)).scalar_one()
    assert entry.actor_id == admin.id and entry.filters == {"country": "UG"}


def test_a_trainer_cannot_ask_for_exact_figures_or_another_course(app, db, course, make_user, login):
    populate(db, course)
    trainer = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    factories.make_course("not-theirs", modules=1, lessons=1)
    db.session.commit()
    client = login(trainer)
    assert client.submit("/reports/participation/export/exact").status_code == 403
    assert client.submit("/reports/participation/export/csv?course=not-theirs").status_code == 403
    assert client.submit("/reports/participation/export/csv?country=ZZ").status_code == 400
    assert client.submit("/reports/participation/export/pdf").status_code == 404
    assert client.post("/reports/participation/export/csv").status_code == 400  # no CSRF token
    assert db.session.execute(select(Job)).first() is None
    assert db.session.execute(select(ReportExport)).first() is None


def test_a_trainer_who_lost_the_course_before_the_job_ran_gets_no_figures(app, db, course, make_user, login):
    populate(db, course)
    trainer = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    client = login(trainer)
    celery = app.extensions["celery"]
    celery.conf.task_always_eager = False  # queue it, with no worker: it waits
    try:
        celery.conf.broker_url = "memory://localhost/"
        job_page = start(client, f"/reports/participation/export/csv?course={course.slug}")
    finally:
        celery.conf.task_always_eager = True
    db.session.execute(delete(CourseTrainer).where(CourseTrainer.user_id == trainer.id))
    db.session.commit()
    from lms.jobs import services

    job_id = int(job_page.rsplit("/", 1)[1])
    services.run.apply(args=[job_id])
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == JobState.FAILED and job.problem in ("report-filters", "report-not-allowed")
    assert "no longer" in client.get(job_page).get_data(as_text=True)
