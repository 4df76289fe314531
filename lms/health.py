"""Health for load balancers and orchestrators: `/healthz` says the process answers; `/readyz`
says it can serve: the database answers, its schema is at the migrations' head, and the task
queue's broker answers when one is configured. Each check is bounded (the database's connect
timeout, half a second for the broker), and neither endpoint renders a page or touches the
session, so both answer in a few milliseconds (bench/bench_health.py)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms import database, paths, queue
from lms.extensions import db
from lms.policy import public

bp = Blueprint("health", __name__)

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
@public
def alive():
    """The process answers. Nothing else is asked: a load balancer restarts what fails this."""
    return {"status": "ok"}, 200, NO_STORE


@bp.get("/readyz")
@public
def ready():
    """Ready to serve: 200 with each check "ok", else 503 naming the checks that failed."""
    checks = {"database": "ok", "migrations": "ok"}
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError as error:
        db.session.rollback()
        if database.is_unavailable(error):
            database.refused(error)
            checks["database"] = "unavailable"
            checks["migrations"] = "unknown"
        else:  # reachable, but no alembic_version table: never migrated
            checks["migrations"] = "not applied"
    else:
        if set(current) != head_revisions(current_app):
            checks["migrations"] = "behind" if current else "not applied"
    reachable = queue.reachable(current_app)
    checks["queue"] = "in-process" if reachable is None else "ok" if reachable else "unavailable"
    ok = all(value in ("ok", "in-process") for value in checks.values())
    headers = dict(NO_STORE) if ok else {**NO_STORE, "Retry-After": str(database.RETRY_AFTER)}
    return {"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503, headers


def head_revisions(app: Flask) -> set[str]:
    """The heads of the shipped migrations, read from their files once per process."""
    heads = app.extensions.get("migration_heads")
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(paths.shipped("migrations")))
        heads = app.extensions["migration_heads"] = set(ScriptDirectory.from_config(config).get_heads())
    return heads


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
