"""While the database cannot be reached every page that needs it answers 503 with Retry-After and
a styled, translated page; the log holds a few lines per outage, no tracebacks; and service comes
back by itself. PostgreSQL is a server of the test's own (tests/robustness/pgserver.py), stopped
and started under load from gunicorn workers; SQLite is a file locked by another connection."""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from lms import create_app, paths
from lms.accounts.models import User
from lms.accounts.sessions import SignInSession
from lms.columns import utcnow
from lms.database import RETRY_AFTER, is_unavailable
from lms.extensions import db as _db
from tests import factories
from tests.conftest import CSRF_INPUT, make_config
from tests.factories import REGISTRATION
from tests.ports import free_port
from tests.robustness.pgserver import PostgresServer

WORKERS = 3
TITLES = {"en": "Try again in a moment", "fr": "Réessayez dans un instant", "ar": "أعد المحاولة بعد قليل"}


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    server.start()
    yield server
    server.remove()


def seed(url: str, tmp_path_factory) -> str:
    """Schema, a course and a learner in the test's own server; returns the learner's email."""
    app = create_app(make_config(tmp_path_factory, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        _db.create_all()
        stamp()  # /readyz: the models' schema is the migrations' head
        learner = factories.make_user()
        course = factories.make_course("outage", modules=1, lessons=1)
        factories.enrol(learner, course)
        email = learner.email
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    return email


# --- PostgreSQL stopped and started under load, behind gunicorn ---------------------------------


@dataclass
class Answer:
    sent: float
    at: float
    path: str
    status: int
    retry_after: str | None
    body: str


class Site:
    """Plain HTTP to the gunicorn under test: one connection per request, as sync workers do."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def get(self, path: str, language: str = "en", signed_in: bool = True) -> Answer:
        headers = {"Accept-Language": language}
        if signed_in and self.cookie:
            headers["Cookie"] = self.cookie
        return self._send("GET", path, None, headers)

    def _send(self, method: str, path: str, body: str | None, headers: dict) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text_ = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                if cookie.startswith("session="):
                    self.cookie = cookie.split(";", 1)[0]
            return Answer(
                sent, time.monotonic(), path, response.status, response.headers.get("Retry-After"), text_
            )
        finally:
            connection.close()

    def sign_in(self, email: str) -> None:
        page = self.get("/login")
        token = CSRF_INPUT.search(page.body)
        form = f"csrf_token={token.group(1) or token.group(2)}&email={email}&password={factories.DEFAULT_PASSWORD}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        assert self._send("POST", "/login", form.replace(" ", "+"), headers).status == 302


@pytest.fixture(scope="module")
def gunicorn(postgres, tmp_path_factory):
    """The application as it is deployed: gunicorn with several workers, on the test's server."""
    email = seed(postgres.url, tmp_path_factory)
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "SECRET_KEY": "outage-test-secret",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "LMS_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "LMS_DATABASE_CONNECT_TIMEOUT": "2",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    command += ["--graceful-timeout", "2", "--no-control-socket", "wsgi:app"]
    # gunicorn's log and the application's in one file, as an operator would read them.
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=paths.CHECKOUT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            site = Site(port)
            deadline = time.monotonic() + 30
            while not _answers(site):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            site.sign_in(email)
            yield site, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def _answers(site: Site) -> bool:
    try:
        return site.get("/healthz").status == 200
    except OSError:
        return False


PAGES = ("/courses", "/courses/outage", "/learning", "/account", "/readyz")


def load(site: Site, answers: list[Answer], stop: threading.Event) -> None:
    while not stop.is_set():
        for path in PAGES:
            answers.append(site.get(path))


def test_postgresql_outage_gets_503_pages_and_service_resumes_by_itself(postgres, gunicorn):
    site, log = gunicorn
    answers: list[Answer] = []
    stop = threading.Event()
    threads = [threading.Thread(target=load, args=(site, answers, stop)) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        postgres.stop()
        down = time.monotonic()
        # At least 1.5 s down, longer on a loaded machine until the outage has seen some load.
        while time.monotonic() < down + 10 and (
            time.monotonic() < down + 1.5 or sum(a.sent > down for a in list(answers)) < 60
        ):
            time.sleep(0.1)
        translated = {language: site.get("/courses", language) for language in TITLES}
        up_at = time.monotonic()
        postgres.start()
        up = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert sorted({a.status for a in answers}) == [200, 503]
    during = [a for a in answers if down < a.sent and a.at < up_at]
    after = [a for a in answers if a.sent > up + 0.5]
    assert len(during) > 50, "not much of a load"
    assert {a.status for a in during} == {503}
    assert {a.retry_after for a in during} == {str(RETRY_AFTER)}
    assert after and {a.status for a in after} == {200}, "service did not resume without a restart"

    page = next(a for a in during if a.path == "/courses").body
    assert TITLES["en"] in page and 'href="/static/css/site.css?v=' in page
    ready = json.loads(next(a for a in during if a.path == "/readyz").body)
    assert ready["status"] == "unavailable" and ready["checks"]["database"] == "unavailable"
    for language, answer in translated.items():
        assert answer.status == 503 and TITLES[language] in answer.body, language
    assert 'dir="rtl"' in translated["ar"].body

    lines = log.read_text().splitlines()
    assert not [line for line in lines if "Traceback" in line or "Exception on" in line], lines[-40:]
    warnings = [line for line in lines if "Database unavailable" in line]
    assert 1 <= len(warnings) <= WORKERS, warnings
    assert 1 <= len([line for line in lines if "Database available again" in line]) <= WORKERS


def test_pages_that_need_no_database_keep_working_during_an_outage(postgres, tmp_path_factory, make_app):
    """Signed in or not: the language choice, static files and the issuer's key do not read the
    database, and nothing run after them (security headers, session bookkeeping) may either."""
    email = seed(postgres.url, tmp_path_factory)
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres.url)
    client = app.test_client()
    assert (
        client.submit("/login", {"email": email, "password": factories.DEFAULT_PASSWORD}).status_code == 302
    )
    token = client.csrf_token()
    postgres.stop()
    try:
        language = client.post("/language", data={"language": "fr", "csrf_token": token})
        stylesheet = client.get("/static/css/site.css")
        issuer = client.get("/.well-known/lms-issuer.json")
        home = client.get("/")
    finally:
        postgres.start()
    assert (language.status_code, stylesheet.status_code, issuer.status_code) == (302, 200, 200)
    assert language.headers["Cache-Control"] == "no-store"  # still a signed-in person's response
    assert home.status_code == 503  # the header shows who is signed in: that needs the database
    stylesheet.close()


# --- PostgreSQL in-process: the pool after a restart, a server that does not answer -----------


@pytest.mark.parametrize(("ping_idle", "first"), [(0, 200), ("off", 200)])
def test_after_a_restart_stale_pooled_connections_cost_at_most_one_503(
    postgres, tmp_path_factory, make_app, caplog, ping_idle, first
):
    """A connection idle for DATABASE_PING_IDLE seconds (here 0: any) is tested before use, so no
    request meets a dead pooled connection. Without the test the first request after a restart
    fails on one; SQLAlchemy then discards every connection made before the disconnect and the
    page view is tried once more on a new one, so the learner still gets the page."""
    seed(postgres.url, tmp_path_factory)
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres.url, DATABASE_PING_IDLE=ping_idle)
    client = app.test_client()
    assert client.get("/courses").status_code == 200  # a connection now waits in the pool
    postgres.stop()
    postgres.start()
    statuses = [client.get("/courses").status_code for _ in range(4)]
    assert statuses == [first, 200, 200, 200]
    assert not [record for record in caplog.records if record.exc_info]


def test_a_form_sent_on_a_connection_that_died_is_not_tried_again(
    postgres, tmp_path_factory, make_app, caplog
):
    """A POST whose connection dropped may have committed before it did: it gets the 503 page
    (try again later) rather than a second run; the next request works on a new connection."""
    seed(postgres.url, tmp_path_factory)
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres.url, DATABASE_PING_IDLE="off", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    assert client.get("/courses").status_code == 200
    postgres.stop()
    postgres.start()
    sent = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password 1"})
    assert sent.status_code == 503 and sent.headers["Retry-After"]
    assert client.get("/courses").status_code == 200
    assert not [record for record in caplog.records if record.exc_info]


def test_a_connection_in_use_a_moment_ago_costs_no_extra_round_trip(
    postgres, tmp_path_factory, make_app, monkeypatch
):
    """Requests that follow each other reuse the pooled connection without testing it first
    (pool_pre_ping added a round trip to every request); only an idle one is tested."""
    seed(postgres.url, tmp_path_factory)
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres.url, DATABASE_PING_IDLE=10)  # a loaded machine pauses
    with app.app_context():
        dialect = _db.engine.dialect
    pings = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection))
    client = app.test_client()
    assert [client.get("/courses").status_code for _ in range(5)] == [200] * 5
    assert pings == []


def test_a_server_that_does_not_answer_gets_a_503_within_the_connect_timeout(make_app, caplog):
    """A database host that accepts the connection but never answers (a hung server, a network
    black hole) would hold each worker for minutes without DATABASE_CONNECT_TIMEOUT."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", free_port()))
        silent.listen(16)  # the kernel completes the handshake; nobody ever answers
        port = silent.getsockname()[1]
        app = make_app(
            SQLALCHEMY_DATABASE_URI=f"postgresql://postgres@127.0.0.1:{port}/lms", DATABASE_CONNECT_TIMEOUT=2
        )
        started = time.monotonic()
        response = app.test_client().get("/courses")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 10
    assert not [record for record in caplog.records if record.exc_info]


# --- SQLite: a file locked by another writer for longer than the busy timeout ------------------


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    path = tmp_path / "locked.sqlite3"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT=0.2)
    with app.app_context():
        _db.create_all()
        factories.make_course("outage", modules=1, lessons=1)
        _db.session.commit()
    return app, path


def people(app) -> int:
    with app.app_context():
        return _db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_a_signed_in_read_during_a_write_lock_is_served_without_noting_activity(sqlite_app, caplog):
    """After a page, the session's last-seen time is written (at most every few minutes). When
    the file is locked that write waits for the busy timeout and gives up: the page is still
    served, not turned into a 500 after it was made."""
    app, path = sqlite_app
    with app.app_context():
        email = factories.make_user().email
        _db.session.commit()
    client = app.test_client()
    assert (
        client.submit("/login", {"email": email, "password": factories.DEFAULT_PASSWORD}).status_code == 302
    )
    an_hour_ago = utcnow() - timedelta(hours=1)
    with app.app_context():
        _db.session.execute(update(SignInSession).values(last_seen_at=an_hour_ago))
        _db.session.commit()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = client.get("/learning")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 200
    with app.app_context():
        assert _db.session.execute(select(SignInSession.last_seen_at)).scalar_one() == an_hour_ago
    assert not [record for record in caplog.records if record.exc_info]


def test_sqlite_locked_longer_than_the_busy_timeout_gets_503_and_writes_nothing(sqlite_app, caplog):
    app, path = sqlite_app
    caplog.set_level(logging.INFO)
    client = app.test_client()
    token = client.csrf_token()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing, and takes its time
    try:
        refused = [client.post("/register", data={**REGISTRATION, "csrf_token": token}) for _ in range(3)]
        reading = client.get("/courses/outage")
    finally:
        other.execute("ROLLBACK")
        other.close()
    for response in refused:
        assert response.status_code == 503
        assert response.headers["Retry-After"] == str(RETRY_AFTER)
        assert TITLES["en"] in response.get_data(as_text=True)
    assert reading.status_code == 200  # WAL: readers are not blocked by a writer
    outbox = Path(app.config["OUTBOX_DIR"])
    assert people(app) == 0 and not list(outbox.glob("*.eml"))  # no confirmation mail either
    registered = client.post("/register", data={**REGISTRATION, "csrf_token": token})
    assert registered.status_code == 200 and "Check your email" in registered.get_data(as_text=True)
    assert people(app) == 1 and len(list(outbox.glob("*.eml"))) == 1
    assert not [record for record in caplog.records if record.exc_info]
    # Reads succeed between the refused writes, so the database "returns" after each one: the
    # log still has one warning and one all-clear, not a pair per request.
    messages = [record.getMessage() for record in caplog.records if record.name == "lms.database"]
    assert len(messages) == 2, messages
    assert messages[0].startswith("Database unavailable") and "database is locked" in messages[0]
    assert re.match(r"Database available again after \d+ s \(1 requests answered 503\)$", messages[1])


# --- What counts as "unavailable" ------------------------------------------------------------


def test_unavailable_means_cannot_connect_or_locked_not_a_bug(tmp_path):
    missing = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite3'}")
    with pytest.raises(OperationalError) as cannot_open:
        missing.connect()
    assert is_unavailable(cannot_open.value)

    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.connect() as connection:
        with pytest.raises(OperationalError) as no_table:
            connection.execute(text("SELECT * FROM no_such_table"))
        assert not is_unavailable(no_table.value)  # a missing migration is a bug: 500
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(IntegrityError) as duplicate:
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert not is_unavailable(duplicate.value)
    engine.dispose()
    missing.dispose()


def test_a_database_error_that_is_a_bug_stays_a_500_with_its_traceback(make_app, tmp_path, caplog):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables
    response = app.test_client().get("/courses")
    assert response.status_code == 500
    assert [record for record in caplog.records if record.exc_info]
