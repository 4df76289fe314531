"""/healthz (the process answers) and /readyz (database, migrations at head, queue broker)."""

from __future__ import annotations

from flask_migrate import stamp, upgrade

from tests.ports import free_port
from tests.worker import queue_settings


def test_healthz_answers_without_asking_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert counter.count == 0 and response.headers["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_and_migrations_in_one_statement(client, count_queries):
    with count_queries() as counter:
        response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "queue": "in-process"},
    }
    assert counter.count == 1


def test_readyz_is_unavailable_until_the_migrations_are_applied(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["migrations"] == "not applied"
    assert response.headers["Retry-After"] == "10"
    with app.app_context():
        upgrade()
        assert client.get("/readyz").status_code == 200
        stamp(revision="ebd0d59b735a")  # a release whose migrations were not run
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["migrations"] == "behind"


def test_readyz_is_unavailable_while_the_database_cannot_be_reached(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unavailable"


def test_readyz_checks_the_queue_broker_when_one_is_configured(make_app):
    reachable = make_app(**queue_settings())
    response = reachable.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["queue"] == "ok"
    gone = make_app(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = gone.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["queue"] == "unavailable"
    assert response.json["checks"]["database"] == "ok"
