"""Fixtures: one application and schema per test session, tables emptied after each test.

The database is SQLite in a temporary folder unless DATABASE_URL points elsewhere (CI runs the
suite a second time against PostgreSQL).
"""

from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import stamp
from sqlalchemy import event

from lms import create_app
from lms.extensions import db as _db
from lms.extensions import limiter
from tests import factories, mailbox

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_config(tmp_path_factory, **overrides) -> dict:
    instance = tmp_path_factory.mktemp("instance")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
        "RATELIMIT_ENABLED": False,
        # Counters may live in a shared Redis (CI): each application counts on its own.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "OUTBOX_DIR": str(instance / "outbox"),
        "MEDIA_DIR": str(instance / "media"),
        "EXPORTS_DIR": str(instance / "exports"),
        "OFFLINE_DIR": str(instance / "offline"),
        "CERTIFICATE_KEY_PATH": str(instance / "certificate-signing-key.pem"),
        "SERVER_NAME": None,
        # The test client sends `Host: localhost`; links in mail and PDFs then match it.
        "BASE_URL": "http://localhost",
    }
    config.update(overrides)
    return config


class Client(FlaskClient):
    """A test client that sends forms the way a browser does: with the page's CSRF token.

    Each request runs in a fresh application context, as in production, so `g` (which holds
    the CSRF token and the signed-in user) and the database session never leak between
    requests or from the test into a request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/").get_data(as_text=True)
        match = CSRF_INPUT.search(page)
        assert match, "no CSRF token on the home page"
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    application = create_app(make_config(tmp_path_factory))
    application.test_client_class = Client
    with application.app_context():
        _db.drop_all()
        _db.create_all()
        stamp()  # the schema is the models' one, which the migrations' head builds: /readyz is ready
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def make_app(tmp_path_factory, app):
    """Build extra applications (other settings, same database); their engines are closed after."""
    made = []

    def build(**overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
        application = create_app(make_config(tmp_path_factory, **overrides))
        application.test_client_class = Client
        made.append(application)
        return application

    yield build
    # The limiter is one object shared by every application: put back the session app's setting.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def empty_tables(application) -> None:
    """Delete every row, in dependency order. The append-only audit log is emptied the only way
    its triggers allow: under a purge permit (lms.audit.models) that covers every entry. The
    outbox goes with them: a shared world's mail (welcomes, announcements) is not the next test's."""
    from lms.audit.models import AuditPurge

    mailbox.clear(application)
    with application.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            connection.execute(AuditPurge.__table__.insert().values(before=datetime(9999, 1, 1)))
            for table in reversed(_db.metadata.sorted_tables):
                if table is not AuditPurge.__table__:
                    connection.execute(table.delete())
            connection.execute(AuditPurge.__table__.delete())


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app, unless its module shares one world
    between its tests (marked `shared_world`) and empties the tables itself when it ends."""
    yield
    if "app" not in request.fixturenames or request.node.get_closest_marker("shared_world"):
        return
    application = request.getfixturevalue("app")
    mailbox.clear(application)
    for exported in Path(application.config["EXPORTS_DIR"]).glob("*"):
        exported.unlink()
    empty_tables(application)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def db(app_context):
    yield _db
    _db.session.rollback()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Sign `user` in through the real login form; returns the client."""

    def sign_in(user, password: str = factories.DEFAULT_PASSWORD) -> Client:
        response = client.submit("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return client

    return sign_in


@pytest.fixture
def make_user(db):
    def make(**kwargs):
        user = factories.make_user(**kwargs)
        db.session.commit()
        return user

    return make


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` records every SQL statement sent meanwhile."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        with app.app_context():
            engine = _db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def course(db):
    """A published two-module course (lessons m1-l1.., quizzes m1, m2), committed."""
    made = factories.make_course("ict-basics", modules=2, lessons=2)
    db.session.commit()
    return made


@pytest.fixture
def learner(db, course):
    """A learner enrolled in `course`."""
    user = factories.make_user(full_name="Grace Wanjiru")
    factories.enrol(user, course)
    db.session.commit()
    return user
