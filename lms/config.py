"""Configuration: defaults here, then `instance/config.py`, then the environment.

Every setting is documented in README.md ("Configuration"). Environment variables win so that
an operator can change a deployment without editing files.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

from lms import paths
from lms.files import create_private_once, private_directory

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
# A developer's browser may name the loopback address either way; both stay trusted then.
LOOPBACK_NAMES = ("127.0.0.1", "localhost")

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
    "BASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
)


class ConfigurationError(RuntimeError):
    """The application cannot start safely with the configuration it was given."""


def defaults(instance_path: Path) -> dict:
    return {
        "LMS_ENV": "development",
        "SITE_NAME": "ICT in Higher Education Learning Platform",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'lms.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "DATABASE_PING_IDLE": 1,
        "DATABASE_CONNECT_TIMEOUT": 5,
        "SQLITE_BUSY_TIMEOUT": 10,
        "COURSES_DIR": str(paths.shipped("courses")),
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
        "REGISTER_RATE_LIMIT": "10 per minute;50 per hour",
        "PASSWORD_RESET_MAX_AGE": 3600,
        "EMAIL_CONFIRMATION_MAX_AGE": 3 * 24 * 60 * 60,
        # Days a cohort invitation's set-password link lasts (a reset link lasts an hour).
        "INVITATION_MAX_AGE": 7,
        # Reminders (lms.notifications): a learner idle this many days in a course that is
        # running, or with a module due within this many days, is reminded (once a week at most).
        "REMINDER_INACTIVE_DAYS": 14,
        "REMINDER_DUE_DAYS": 3,
        "SESSION_IDLE_TIMEOUT": 8 * 60 * 60,
        "HTTPS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LANGUAGES": ["en", "fr", "ar", "pt", "sw", "zh", "id"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(paths.PACKAGE_DIR / "translations"),
        "USERS_PER_PAGE": 25,
        "AUDIT_ENTRIES_PER_PAGE": 50,
        "AUDIT_RETENTION_DAYS": 730,  # `flask --app wsgi audit purge` deletes older entries
        # The PostgreSQL client tools `backup` runs: at least the server's major version.
        "BACKUP_PG_DUMP": "pg_dump",
        "BACKUP_PG_RESTORE": "pg_restore",
        "MEDIA_DIR": str(instance_path / "media"),
        # Offline copies of courses (EPUB, HTML), one per course version; safe to delete.
        "OFFLINE_DIR": str(instance_path / "offline"),
        "MAX_IMAGE_BYTES": 2_000_000,
        "MAX_IMAGE_PIXELS": 25_000_000,
        "MAX_LESSON_BYTES": 1_000_000,
        "COURSES_PER_PAGE": 12,
        # Knowledge hub (README, "Knowledge hub").
        "HUB_SEED_DIR": str(paths.PACKAGE_DIR / "hub" / "seed"),
        "HUB_ITEMS_PER_PAGE": 20,
        "HUB_FEED_ENTRIES": 50,
        "OAI_PAGE_SIZE": 100,
        "OAI_TOKEN_MAX_AGE": 86400,
        "OAI_ADMIN_EMAIL": "hub-admin@example.org",
        "MAX_PDF_BYTES": 20_000_000,
        "TRUSTED_PROXIES": 0,
        "EXTRA_TRUSTED_HOSTS": [],
        # Empty: tasks run in-process (no worker needed). redis://host:6379/1 in production.
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
        "CELERY_QUEUE": "lms",
        "CELERY_VISIBILITY_TIMEOUT": 6 * 60 * 60,
        "CELERY_BEAT_SCHEDULE": {
            "expire-exports": {"task": "lms.jobs.expire", "schedule": 60 * 60},
            "send-reminders": {"task": "lms.notifications.remind", "schedule": 24 * 60 * 60},
            "send-digests": {"task": "lms.notifications.digest", "schedule": 7 * 24 * 60 * 60},
        },
        "EXPORTS_DIR": str(instance_path / "exports"),
        "EXPORT_RETENTION_DAYS": 7,
        # Responses compressed when the browser accepts it (Flask-Compress): text only, never
        # PDFs, images or archives, which are compressed already.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/ld+json",
            "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 500,
        # Streamed bodies (static files, exports) go as they are: Flask-Compress would wrap the
        # file in a generator that nobody closes. Static files are cached for a year anyway.
        "COMPRESS_STREAMS": False,
    }


def load(app: Flask, overrides: dict | None) -> None:
    """Fill `app.config` in order of precedence; `overrides` (tests) win over everything."""
    instance_path = private_directory(Path(app.instance_path))
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
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg)
    cfg["MAIL_PORT"] = int(cfg["MAIL_PORT"])
    cfg["MAIL_USE_TLS"] = _truthy(cfg["MAIL_USE_TLS"])
    production = cfg["LMS_ENV"] == "production"
    base_url = cfg["BASE_URL"] = _base_url(app, production)
    scheme = urlsplit(base_url).scheme
    https = _truthy(cfg["HTTPS"])
    if https and scheme != "https":
        raise ConfigurationError(
            f"HTTPS is on but BASE_URL is {base_url}: links in emails would travel unencrypted. "
            "Give BASE_URL with https://."
        )
    https = cfg["HTTPS"] = https or scheme == "https"
    cfg["SESSION_COOKIE_SECURE"] = https
    cfg["REMEMBER_COOKIE_SECURE"] = https
    cfg["PREFERRED_URL_SCHEME"] = scheme
    cfg["TRUSTED_HOSTS"] = trusted_hosts(base_url, cfg["EXTRA_TRUSTED_HOSTS"])
    if production and str(cfg["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        raise ConfigurationError(
            "RATELIMIT_STORAGE_URI is memory:// while LMS_ENV=production: each worker would count "
            "sign-in attempts on its own, so the limits would not hold. Use a storage that all workers "
            "share, e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0."
        )
    if not cfg.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "SECRET_KEY must be set explicitly when LMS_ENV=production "
                "(environment variable or instance/config.py)."
            )
        cfg["SECRET_KEY"] = _development_secret(instance_path)


def _base_url(app: Flask, production: bool) -> str:
    """BASE_URL checked and normalised (lower-case host, no trailing slash). The deprecated
    CERTIFICATE_BASE_URL is accepted in its place, but not beside a different BASE_URL."""
    cfg = app.config
    raw = str(cfg.get("BASE_URL") or "").strip()
    legacy = str(cfg.get("CERTIFICATE_BASE_URL") or "").strip()
    if legacy:
        if raw and raw.rstrip("/") != legacy.rstrip("/"):
            raise ConfigurationError(
                f"CERTIFICATE_BASE_URL ({legacy}) differs from BASE_URL ({raw}). CERTIFICATE_BASE_URL "
                "is deprecated: BASE_URL is now the only address of the site. Remove CERTIFICATE_BASE_URL."
            )
        if not raw:
            app.logger.warning("CERTIFICATE_BASE_URL is deprecated: rename it to BASE_URL.")
            raw = legacy
    if not raw:
        if production:
            raise ConfigurationError(
                "BASE_URL must be set when LMS_ENV=production: the address people use to reach the "
                "site, e.g. BASE_URL=https://learn.example.org. Links in emails, certificates and "
                "credentials are built from it, and requests for any other host are refused."
            )
        raw = DEVELOPMENT_BASE_URL
    problem = f"BASE_URL {raw!r} must look like https://host[:port][/path], without user, query or fragment"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ConfigurationError(problem) from None
    host = parts.hostname or ""
    if (
        parts.scheme not in {"http", "https"}
        or not host
        or ":" in host  # werkzeug cannot match an IPv6 literal against trusted hosts
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(problem + " (an IPv6 address is not supported: use a host name).")
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def trusted_hosts(base_url: str, extra) -> list[str]:
    """The hosts a request may name (ports are not compared): BASE_URL's, loopback aliases when it
    is a loopback address (development), and EXTRA_TRUSTED_HOSTS (e.g. a load balancer's health
    check). Flask refuses every other Host or X-Forwarded-Host with 400."""
    host = urlsplit(base_url).hostname
    hosts = [host]
    if host in LOOPBACK_NAMES:
        hosts += LOOPBACK_NAMES
    if isinstance(extra, str):
        extra = extra.split(",")
    hosts += [str(name).strip().lower() for name in extra or () if str(name).strip()]
    return list(dict.fromkeys(hosts))


def database_uri(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(cfg) -> dict:
    """SQLAlchemy engine options from the database settings; explicit SQLALCHEMY_ENGINE_OPTIONS
    win. DATABASE_CONNECT_TIMEOUT bounds how long a worker
    waits for a PostgreSQL server that does not answer (an unreachable host would otherwise hold
    it for minutes, until the operating system gives up)."""
    options = dict(cfg["SQLALCHEMY_ENGINE_OPTIONS"] or {})
    # Pooled connections are tested by lms.database only after DATABASE_PING_IDLE seconds
    # unused, not on every checkout (pool_pre_ping cost a round trip per request).
    options.setdefault("pool_recycle", 3600)
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(cfg["DATABASE_CONNECT_TIMEOUT"]))
        options["connect_args"] = connect_args
    return options


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _development_secret(instance_path: Path) -> str:
    """Generate a key once so sessions survive restarts; never committed (instance/ is ignored)."""
    path = instance_path / "secret_key"
    create_private_once(path, secrets.token_hex(32).encode("ascii"))  # another worker may win
    return path.read_text().strip()
