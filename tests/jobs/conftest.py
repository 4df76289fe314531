"""An application whose tasks go through Redis to a real worker (tests/worker.py), and a mail
server (tests/smtpserver.py) that the worker delivers to. One worker serves a whole module."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.extensions import db
from tests.conftest import Client, make_config
from tests.ports import free_port
from tests.smtpserver import MailServer
from tests.worker import celery_worker, queue_settings


@pytest.fixture(scope="module")
def mail_server():
    with MailServer(free_port()) as server:
        yield server


@pytest.fixture(scope="module")
def queued_config(tmp_path_factory, app, mail_server) -> dict:
    return make_config(
        tmp_path_factory,
        **queue_settings(),
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_server.port,
        MAIL_USE_TLS=False,
    )


@pytest.fixture(scope="module")
def worker_log(tmp_path_factory):
    return tmp_path_factory.mktemp("worker") / "worker.log"


@pytest.fixture(scope="module")
def worker(queued_config, mail_server, worker_log):
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_server.port), "MAIL_USE_TLS": "false"}
    with celery_worker(queued_config, worker_log, **env) as process:
        yield process


@pytest.fixture(scope="module")
def queued_app(queued_config, worker):
    application = create_app(queued_config)
    application.test_client_class = Client
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def mails(mail_server):
    """The messages the mail server received, emptied before each test."""
    with mail_server.lock:
        mail_server.messages.clear()
    mail_server.refusing.clear()
    yield mail_server
    mail_server.refusing.clear()
