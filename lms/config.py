"""Configuration: defaults here, then `instance/config.py`, then the environment.

Every setting is documented in README.md ("Configuration"). Environment variables win so that
an operator can change a deployment without editing files.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Plain names operators expect; anything else can be set as LMS_<NAME>.
ENV_SETTINGS = (
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_FROM",
    "RATELIMIT_STORAGE_URI",
)


class ConfigurationError(RuntimeError):
    """The application cannot start safely with the configuration it was given."""


def defaults(instance_path: Path) -> dict:
    return {
        "LMS_ENV": "development",
        "SITE_NAME": "ICT in Higher Education Learning Platform",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'lms.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "COURSES_DIR": str(PROJECT_ROOT / "courses"),
        "OUTBOX_DIR": str(instance_path / "outbox"),
        "MAIL_SERVER": "",
        "MAIL_PORT": 587,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": True,
        "MAIL_FROM": "no-reply@localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "RESET_RATE_LIMIT": "5 per minute;20 per hour",
        "PASSWORD_RESET_MAX_AGE": 3600,
        "HTTPS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LANGUAGES": ["en", "fr", "ar"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "USERS_PER_PAGE": 25,
        "MEDIA_DIR": str(instance_path / "media"),
        "MAX_IMAGE_BYTES": 2_000_000,
        "MAX_LESSON_BYTES": 1_000_000,
        "COURSES_PER_PAGE": 12,
        "TRUSTED_PROXIES": 0,
    }


def load(app: Flask, overrides: dict | None) -> None:
    """Fill `app.config` in order of precedence; `overrides` (tests) win over everything."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(defaults(instance_path))
    app.config.from_pyfile(str(instance_path / "config.py"), silent=True)
    _from_environment(app)
    if overrides:
        app.config.update(overrides)
    _derive(app, instance_path)


def _from_environment(app: Flask) -> None:
    for name in ENV_SETTINGS:
        if name in os.environ:
            app.config[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    # LMS_ENV, LMS_HTTPS, LMS_SITE_NAME ...: values are parsed as JSON when they can be.
    app.config.from_prefixed_env("LMS")
    if "LMS_ENV" in os.environ:
        app.config["LMS_ENV"] = os.environ["LMS_ENV"]


def _derive(app: Flask, instance_path: Path) -> None:
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = database_uri(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg["MAIL_PORT"] = int(cfg["MAIL_PORT"])
    cfg["MAIL_USE_TLS"] = _truthy(cfg["MAIL_USE_TLS"])
    https = cfg["HTTPS"] = _truthy(cfg["HTTPS"])
    cfg["SESSION_COOKIE_SECURE"] = https
    cfg["REMEMBER_COOKIE_SECURE"] = https
    cfg["PREFERRED_URL_SCHEME"] = "https" if https else "http"
    if not cfg.get("SECRET_KEY"):
        if cfg["LMS_ENV"] == "production":
            raise ConfigurationError(
                "SECRET_KEY must be set explicitly when LMS_ENV=production "
                "(environment variable or instance/config.py)."
            )
        cfg["SECRET_KEY"] = _development_secret(instance_path)


def database_uri(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _development_secret(instance_path: Path) -> str:
    """Generate a key once so sessions survive restarts; never committed (instance/ is ignored)."""
    path = instance_path / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker got there first
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
