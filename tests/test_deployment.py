"""What an operator depends on when deploying: private instance files, a signing key made at
set-up, and a refusal to start with settings that would not hold under several workers."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from lms import create_app
from lms.config import ConfigurationError
from lms.extensions import db as _db
from tests.conftest import make_config


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask():
    """The usual umask, under which files come out world-readable unless created otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def fresh_app(instance: Path, **config):
    """An application with nothing but defaults in a new instance folder (SQLite inside it)."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'lms.sqlite3'}",
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://localhost",
        **config,
    }
    return create_app(settings, instance_path=str(instance))


def test_instance_files_are_created_readable_by_the_owner_only(tmp_path, monkeypatch, permissive_umask):
    from lms.mail import send_mail
    from lms.media.services import store_image

    monkeypatch.delenv("SECRET_KEY", raising=False)  # so the development key is generated
    instance = tmp_path / "instance"
    app = fresh_app(instance)
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "#1d3557").save(png, "PNG")
    try:
        with app.app_context():
            _db.create_all()
            with _db.engine.begin() as connection:
                connection.execute(text("CREATE TABLE probe (x INTEGER)"))
                connection.execute(text("INSERT INTO probe VALUES (1)"))
            send_mail("someone@example.org", "Subject", "Body")
            media = store_image(png.getvalue())
            files = {
                "instance/": instance,
                "secret_key": instance / "secret_key",
                "certificate-signing-key.pem": instance / "certificate-signing-key.pem",
                "lms.sqlite3": instance / "lms.sqlite3",
                "lms.sqlite3-wal": instance / "lms.sqlite3-wal",
                "lms.sqlite3-shm": instance / "lms.sqlite3-shm",
                "outbox/": instance / "outbox",
                "outbox/*.eml": next((instance / "outbox").glob("*.eml")),
                "media/": instance / "media",
                "media/<image>": instance / "media" / media.filename,
            }
            modes = {name: oct(mode(path)) for name, path in files.items()}
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
    expected = {name: oct(0o700 if name.endswith("/") else 0o600) for name in files}
    assert modes == expected


def test_the_signing_key_is_made_when_the_application_starts(tmp_path, permissive_umask):
    """Not at the first certificate: a backup of instance/ taken on day one already holds it."""
    instance = tmp_path / "instance"
    app = fresh_app(instance, SECRET_KEY="x")
    key = instance / "certificate-signing-key.pem"
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert mode(key) == 0o600
    first = key.read_bytes()
    fresh_app(instance, SECRET_KEY="x")  # a second start (another worker) keeps the same key
    assert key.read_bytes() == first
    with app.app_context():
        _db.engine.dispose()


def test_a_signing_key_that_cannot_be_written_is_a_clear_error(tmp_path_factory, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config = make_config(tmp_path_factory, CERTIFICATE_KEY_PATH=str(blocker / "key.pem"))
    with pytest.raises(
        ConfigurationError, match="Cannot create the certificate signing key at .*CERTIFICATE_KEY_PATH"
    ):
        create_app(config)


def test_existing_instance_files_keep_the_mode_the_operator_chose(tmp_path, permissive_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o750)
    key = instance / "certificate-signing-key.pem"
    app = fresh_app(instance, SECRET_KEY="x")
    os.chmod(key, 0o640)
    fresh_app(instance, SECRET_KEY="x")
    assert (mode(instance), mode(key)) == (0o750, 0o640)
    with app.app_context():
        _db.engine.dispose()


def production(tmp_path_factory, **overrides) -> dict:
    settings = {
        "LMS_ENV": "production",
        "BASE_URL": "https://learn.example.org",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
        **overrides,
    }
    return make_config(tmp_path_factory, **settings)


def test_production_refuses_rate_limit_counters_in_each_workers_memory(tmp_path_factory):
    with pytest.raises(
        ConfigurationError, match="RATELIMIT_STORAGE_URI is memory:// while LMS_ENV=production"
    ):
        create_app(production(tmp_path_factory, RATELIMIT_STORAGE_URI="memory://"))


def test_production_starts_with_shared_rate_limit_storage(tmp_path_factory):
    app = create_app(production(tmp_path_factory))
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert app.config["HTTPS"] and app.config["TRUSTED_HOSTS"] == ["learn.example.org"]
    with app.app_context():
        _db.engine.dispose()


def test_development_keeps_memory_storage_for_make_run(make_app):
    assert make_app(RATELIMIT_STORAGE_URI="memory://").config["RATELIMIT_STORAGE_URI"] == "memory://"
