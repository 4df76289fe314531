"""The task queue: Celery, with Redis as broker and result store when `CELERY_BROKER_URL` is set.

Without a broker (`make run`, the embedded default) every task runs in-process, at once
(Celery's eager mode), so nothing else has to be started. With one, `celery -A lms:celery worker`
runs them, and `celery -A lms:celery beat` the schedules (README, "Production deployment").

Each Flask application gets its own Celery application (`app.extensions["celery"]`); tasks are
declared once with `@task` and exist on every one of them. A task runs in a fresh application
context of the Flask application that configured its Celery application, as it would in a
worker: never inside the request that queued it, whose `g`, signed-in user and session it must
not see. What a task changes it commits itself (`lms.unit_of_work`).

Every task must be idempotent (a worker that dies mid-task gets it again: `acks_late`), and
transient failures (the database or the mail server gone for a while) are retried with
exponential back-off by `@task(retry_on=...)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from celery import Celery, Task, shared_task
from celery.signals import worker_process_init
from flask import Flask, current_app
from sqlalchemy.exc import OperationalError

from lms import unit_of_work
from lms.extensions import db

logger = logging.getLogger("lms.queue")

# Transient: worth another try later. A task may add its own (smtplib errors for mail).
TRANSIENT = (OperationalError, ConnectionError, TimeoutError)
RETRY_BACKOFF_MAX = 600  # seconds between two tries, at most
MAX_RETRIES = 6  # with back-off 1, 2, 4 ... 32 s: about a minute of outage is ridden out


class AppTask(Task):
    """Runs in a new application context of the Flask application its Celery app belongs to."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.app.flask_app.app_context():
            return super().__call__(*args, **kwargs)


def task(name: str, *, retry_on: tuple[type[BaseException], ...] = (), **options: Any) -> Callable:
    """Declare a task named `name` (its name in the broker: keep it stable). Exceptions in
    TRANSIENT and `retry_on` are retried with exponential back-off and jitter."""

    def decorator(function: Callable) -> Task:
        return shared_task(
            name=name,
            autoretry_for=TRANSIENT + tuple(retry_on),
            retry_backoff=True,
            retry_backoff_max=RETRY_BACKOFF_MAX,
            retry_jitter=True,
            max_retries=MAX_RETRIES,
            **options,
        )(function)

    return decorator


def make_celery(app: Flask) -> Celery:
    cfg = app.config
    broker = str(cfg["CELERY_BROKER_URL"] or "")
    celery = Celery(app.import_name, task_cls=AppTask, set_as_current=False)
    celery.conf.update(
        broker_url=broker or "memory://localhost/",
        result_backend=str(cfg["CELERY_RESULT_BACKEND"] or broker) or None,
        result_expires=24 * 60 * 60,
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_default_queue=cfg["CELERY_QUEUE"],
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        # A task is acknowledged when it ends, so a worker that dies mid-task leaves it to another.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": int(cfg["CELERY_VISIBILITY_TIMEOUT"])},
        worker_hijack_root_logger=False,
        beat_schedule=dict(cfg["CELERY_BEAT_SCHEDULE"]),
        timezone="UTC",
    )
    celery.flask_app = app
    return celery


def is_eager(app: Flask | None = None) -> bool:
    """Whether tasks run in-process (no broker configured)."""
    return bool((app or current_app).extensions["celery"].conf.task_always_eager)


def enqueue(name: str, *args: Any, after_commit: bool = True, **options: Any) -> None:
    """Queue task `name` with JSON-serialisable `args`: once the running unit of work commits
    (the task will read what it committed; nothing is queued if it rolls back), or now outside
    one or with `after_commit=False`. Eagerly run tasks propagate their exceptions."""
    celery = current_app.extensions["celery"]
    if after_commit and unit_of_work.in_unit_of_work():
        unit_of_work.after_commit(_send, celery, name, args, options)
    else:
        _send(celery, name, args, options)


def _send(celery: Celery, name: str, args: tuple, options: dict) -> None:
    celery.tasks[name].apply_async(args=list(args), **options)


def reachable(app: Flask, timeout: float = 0.5) -> bool | None:
    """None without a broker (tasks run in-process), else whether the broker answers a ping
    within `timeout` seconds. For /readyz: a worker cannot be seen from here, the broker can.
    A Redis broker is pinged on a client kept per application (one round trip); others are
    connected to through Celery."""
    celery = app.extensions["celery"]
    if celery.conf.task_always_eager:
        return None
    url = str(celery.conf.broker_url)
    try:
        if url.startswith(("redis://", "rediss://")):
            client = app.extensions.get("queue_ping")
            if client is None:
                client = app.extensions["queue_ping"] = redis.Redis.from_url(
                    url, socket_connect_timeout=timeout, socket_timeout=timeout
                )
            client.ping()
        else:
            with celery.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception as error:  # noqa: BLE001 (whatever the transport raises means "not reachable")
        logger.warning("Queue broker unreachable: %s", type(error).__name__)
        return False


_worker_app: list[Flask] = []  # the application a `celery -A lms:celery` process serves


def for_worker(app: Flask) -> Celery:
    """The Celery application of `celery -A lms:celery worker|beat` (see lms/__init__.py)."""
    _worker_app[:] = [app]
    return app.extensions["celery"]


@worker_process_init.connect
def _fresh_connections(**_kwargs: Any) -> None:
    """A forked worker process must not share the parent's database connections."""
    for flask_app in _worker_app:
        with flask_app.app_context():
            db.engine.dispose(close=False)


def init_app(app: Flask) -> None:
    app.extensions["celery"] = make_celery(app)
