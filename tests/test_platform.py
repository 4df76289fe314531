"""Configuration, security headers, error pages, rate limits and migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from lms import create_app
from lms.config import ConfigurationError
from lms.extensions import db as _db
from tests.conftest import make_config
from tests.factories import DEFAULT_PASSWORD


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = make_config(
        tmp_path_factory,
        BASE_URL="https://learn.example.org",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/1",
    )
    del config["SECRET_KEY"]
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(config)


def test_environment_overrides_defaults(monkeypatch, make_app):
    monkeypatch.setenv("MAIL_FROM", "courses@example.org")
    monkeypatch.setenv("LMS_HTTPS", "true")
    app = make_app(BASE_URL="https://learn.example.org")
    assert app.config["MAIL_FROM"] == "courses@example.org"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_postgres_urls_use_psycopg3():
    from lms.config import database_uri

    assert database_uri("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_every_page_carries_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site_lax(client):
    client.get("/")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_unknown_page_gets_a_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert 'href="/static/css/site.css?v=' in response.get_data(as_text=True)


def test_login_is_rate_limited(make_app, make_user):
    limited = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    user = make_user()
    client = limited.test_client()
    codes = [
        client.submit("/login", {"email": user.email, "password": "wrong password!"}).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    blocked = client.submit("/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_sqlite_connections_use_wal_and_foreign_keys(app):
    with app.app_context():
        if _db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas")  # the PostgreSQL run checks the same migrations below
        with _db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_build_the_schema_the_models_describe(tmp_path_factory):
    """Run every migration on an empty database and compare the result with the models."""
    config = make_config(tmp_path_factory)
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'm.sqlite3'}"
    else:
        url = _fresh_postgres_database(url)
    config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    app.logger.info("before the migrations")  # the application's logger exists, as in a live process
    with app.app_context():
        upgrade()
        with _db.engine.connect() as connection:
            # SQLite's FTS5 index of the hub is made by the migrations but is not in the models.
            not_modelled = {
                "include_name": lambda name, kind, parent: not (name or "").startswith("hub_item_fts")
            }
            differences = compare_metadata(
                MigrationContext.configure(connection, opts=not_modelled), _db.metadata
            )
            tables = set(inspect(connection).get_table_names())
        _db.engine.dispose()
    assert not app.logger.disabled, "Alembic's logging set-up silenced the application's log"
    assert differences == []
    assert {table.name for table in _db.metadata.sorted_tables} <= tables


def _fresh_postgres_database(url: str) -> str:
    from lms.config import database_uri

    url = database_uri(url)
    base, _, _name = url.rpartition("/")
    name = "lms_migration_check"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{base}/{name}"


def test_a_lost_race_for_a_unique_value_is_a_409_not_a_500(make_app, make_user):
    from sqlalchemy import update

    from lms.accounts.models import User

    first, second = make_user(), make_user()
    racing = make_app()

    @racing.post("/race")
    def race():
        _db.session.execute(update(User).where(User.id == second.id).values(email=first.email))
        _db.session.commit()
        return "unreachable"

    racing.config["WTF_CSRF_ENABLED"] = False
    response = racing.test_client().post("/race")
    assert response.status_code == 409
    assert "at the same moment" in response.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(make_app):
    from flask import request

    proxied = make_app(TRUSTED_PROXIES=1)

    @proxied.get("/whoami")
    def whoami():
        return request.remote_addr

    client = proxied.test_client()
    assert (
        client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True)
        == "203.0.113.7"
    )
    direct = make_app()

    @direct.get("/whoami")
    def whoami_direct():
        return request.remote_addr

    assert (
        direct.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True)
        == "127.0.0.1"
    )
