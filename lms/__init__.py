"""The learning platform: `create_app` builds a configured Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from lms import config as config_module
from lms import paths


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application. `config` overrides every other source (used by tests). The instance
    folder (database, keys, outbox, media) is `instance_path`, else `paths.instance_dir()`."""
    from lms.unit_of_work import Application  # Flask, with one unit of work per request

    app = Application(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else paths.instance_dir(),
        instance_relative_config=True,
        template_folder=str(paths.shipped("templates")),
        static_folder=str(paths.shipped("static")),
    )
    config_module.load(app, config)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind a reverse proxy, trust its X-Forwarded-* headers: client addresses (rate limits)
        # and https links are then right. Never set it without a proxy: clients could lie.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    # The factory is the top layer and imports everything, inside the function: any `import
    # lms.x` runs this file first, so imports up here would load every domain for any module.
    from lms import audit, database, errors, health, i18n, inputs, links, queue, security, unit_of_work, web
    from lms.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    unit_of_work.init_app(app)
    queue.init_app(app)
    migrate.init_app(app, db, directory=str(paths.shipped("migrations")), render_as_batch=True)
    inputs.init_app(app)  # before CSRF, which parses the form, and before any route is added
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    links.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    audit.init_app(app)
    health.init_app(app)

    _register_domains(app)
    return app


def __getattr__(name: str):
    """`lms.celery`: the Celery application of `celery -A lms:celery worker` (and `beat`), built
    from a new Flask application configured as `flask --app lms:create_app` would be."""
    if name == "celery":
        from lms import queue

        return queue.for_worker(create_app())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_domains(app: Flask) -> None:
    from lms import (
        accounts,
        admin,
        announcements,
        authoring,
        backup,
        certificates,
        courses,
        discussions,
        enrolment,
        evidence,
        hub,
        jobs,
        learning,
        media,
        newsletters,
        notifications,
        offline,
        privacy,
        quizzes,
        reports,
        teaching,
    )
    from lms.content.cli import courses as courses_cli

    # The order here is the order of the header's navigation links.
    domains = (
        courses,
        hub,
        newsletters,
        learning,
        certificates,
        quizzes,
        enrolment,
        teaching,
        announcements,
        discussions,
        authoring,
        reports,
        evidence,
        accounts,
        admin,
        media,
        privacy,
        backup,
        jobs,
        notifications,
        offline,
    )
    for domain in domains:
        domain.init_app(app)
    app.cli.add_command(courses_cli)
