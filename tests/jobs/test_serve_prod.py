"""`make serve-prod` on this machine: gunicorn with gunicorn.conf.py (its default 30-second
timeout), a Celery worker and beat, against this run's database and Redis. An administrator
exports 2,000 certificates through it and downloads a complete ZIP."""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import insert

from lms.accounts.models import User
from lms.certificates import codes
from lms.certificates.models import Certificate
from lms.courses.models import Audience, Course
from lms.extensions import db
from lms.roles import Role
from tests import factories
from tests.conftest import CSRF_INPUT, make_config
from tests.ports import free_port
from tests.worker import REDIS, ROOT, environment, queue_settings, wait_for

pytestmark = pytest.mark.slow

COUNT = 2000
ADMIN = "serve-prod-admin@example.org"


def seed(count: int) -> None:
    moment = datetime(2026, 11, 3, 10, 0)
    course = Course(slug="national", title="Digital Pedagogy", audience=Audience.FACULTY, hours=12.0)
    db.session.add(course)
    db.session.flush()
    people = [
        {"email": f"holder{i}@example.org", "full_name": f"Holder Number {i}", "password_hash": "", "country": "KE"}
        for i in range(count)
    ]  # fmt: skip
    ids = db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), people).scalars()
    db.session.execute(
        insert(Certificate),
        [
            {"code": codes.new_code(), "user_id": user_id, "course_id": course.id,
             "holder_name": f"Holder Number {i}", "course_title": course.title, "course_version": "1.0",
             "hours": 12.0, "language": "en", "completed_at": moment, "issued_at": moment,
             "issuer_name": "ICT in Higher Education Learning Platform", "signatory": ""}
            for i, user_id in enumerate(ids)
        ],
    )  # fmt: skip
    factories.make_user(email=ADMIN, role=Role.ADMIN, full_name="Programme Administrator")
    db.session.commit()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed: each answer is seen as it is."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(self.base + path, body, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read()

    def token(self, path: str) -> str:
        match = CSRF_INPUT.search(self.request(path)[2].decode())
        return match.group(1) or match.group(2)


@pytest.fixture
def production(app, tmp_path_factory, tmp_path):
    config = make_config(
        tmp_path_factory, **queue_settings(), SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
    )
    port = free_port()
    config["BASE_URL"] = f"http://127.0.0.1:{port}"
    env = environment(
        config,
        LMS_ENV="production",
        RATELIMIT_STORAGE_URI=f"{REDIS}/6",
        LMS_RATELIMIT_KEY_PREFIX=f"serve-prod-{uuid.uuid4().hex}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        CELERY_CONCURRENCY="1",
        MAKEFLAGS="",
    )
    log = tmp_path / "serve-prod.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve-prod"], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    browser = Browser(config["BASE_URL"])

    def ready():
        assert process.poll() is None, log.read_text()[-4000:]
        try:
            status, _headers, body = browser.request("/readyz")
        except OSError:
            return False
        return status == 200 and b'"queue":"ok"' in body.replace(b" ", b"")

    try:
        wait_for(ready, timeout=180, log=log, what="make serve-prod ready")
        yield browser, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):  # what is left of the session (a slow beat): ours
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_serve_prod_exports_2000_certificates_through_gunicorn_and_a_real_worker(app, production):
    with app.app_context():
        seed(COUNT)
    browser, log = production
    status, _headers, _body = browser.request(
        "/login",
        {"email": ADMIN, "password": factories.DEFAULT_PASSWORD, "csrf_token": browser.token("/login")},
    )
    assert status == 302
    token = browser.token("/admin/certificates?status=valid")
    started = time.monotonic()
    status, headers, _body = browser.request("/admin/certificates/export?status=valid", {"csrf_token": token})
    assert status == 302 and time.monotonic() - started < 10  # the request only queued the job
    job_page = re.fullmatch(r"/jobs/\d+", headers["Location"]).group(0)

    seen = set()

    def finished():
        status, _h, page = browser.request(job_page)
        assert status == 200
        text = page.decode()
        seen.add("running" if "job-progress" in text else "ready" if "Ready." in text else "other")
        assert "This job failed" not in text, text
        return "Ready." in text

    wait_for(finished, timeout=600, log=log, what="the 2,000-certificate export")
    status, headers, data = browser.request(job_page + "/download")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert len([name for name in archive.namelist() if name.endswith(".pdf")]) == COUNT
    assert len(archive.read("register.csv").decode("utf-8-sig").splitlines()) == COUNT + 1
    assert "running" in seen  # the page showed progress while the worker wrote the archive
    text = log.read_text()
    assert "Booting worker" in text and "lms.jobs.run" in text and "beat: Starting" in text
    assert "WORKER TIMEOUT" not in text
    assert '"GET /admin/certificates HTTP/1.1" 200' in text and "status=valid" not in text  # no query strings


def test_the_sample_systemd_units_run_what_serve_prod_runs():
    """Each unit's commands are the ones `deploy/serve-prod` runs (which the test above serves
    with), with the checkout at /srv/lms/app; settings come from one environment file."""
    import configparser

    script = (ROOT / "deploy" / "serve-prod").read_text()
    expected = {
        "lms-web.service": "gunicorn -c gunicorn.conf.py wsgi:app",
        "lms-worker.service": "celery -A lms:celery worker",
        "lms-beat.service": "celery -A lms:celery beat",
    }
    for name, command in expected.items():
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read(ROOT / "deploy" / "systemd" / name)
        service = unit["Service"]
        start = service["ExecStart"].replace("/srv/lms/app/.venv/bin/", "").replace("/srv/lms/app/", "")
        assert start.startswith(command), (name, start)
        program, rest = command.split(" ", 1)
        assert f'"$bin/{program}" {rest}' in script, (name, command)
        assert service["EnvironmentFile"] == "/etc/lms/lms.env" and service["User"] == "lms"
        assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_accepts_the_sample_units_with_this_checkout_in_place(tmp_path):
    """`systemd-analyze verify` (Debian's systemd, on this machine and CI's) checks the units'
    syntax and that every command exists, once the paths name this checkout."""
    import shutil

    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is part of Debian's systemd package"
    (tmp_path / "lms.env").write_text("")
    copies = []
    for unit in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
        text = (
            unit.read_text()
            .replace("/srv/lms/app", str(ROOT))
            .replace("/etc/lms/lms.env", str(tmp_path / "lms.env"))
        )
        text = (
            text.replace("/srv/lms/instance", str(tmp_path))
            .replace("User=lms", "User=root")
            .replace("Group=lms", "Group=root")
        )
        copy = tmp_path / unit.name
        copy.write_text(text)
        copies.append(str(copy))
    assert len(copies) == 3
    result = subprocess.run([analyze, "verify", *copies], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
