"""A real Celery worker in a subprocess, against Redis, for the tests that need the queue.

Redis is the one `.ci/run` starts (TEST_REDIS_URL, default redis://127.0.0.1:6379: database 5
as broker, 6 as result store). Each worker listens on a queue of its own name, so test runs
sharing that Redis (several checkouts, both CI runs) never take each other's tasks. There is no
skip: without Redis these tests fail, as the deployment would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
BROKER = f"{REDIS}/5"
RESULTS = f"{REDIS}/6"
ROOT = Path(__file__).resolve().parents[1]


def queue_settings() -> dict:
    """Settings that send this application's tasks to a queue of its own on the test Redis."""
    redis.Redis.from_url(BROKER, socket_timeout=5).ping()  # fails loudly without Redis
    return {
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": RESULTS,
        "CELERY_QUEUE": f"lms-test-{uuid.uuid4().hex[:12]}",
    }


def environment(config: dict, **extra: str) -> dict:
    """The environment of a subprocess (worker, gunicorn) that must act like the app `config`
    describes: same database, queue, instance folders and address."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LMS_", "CELERY_"))}
    env.update(
        DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=config["SECRET_KEY"],
        BASE_URL=config["BASE_URL"],
        CELERY_BROKER_URL=config["CELERY_BROKER_URL"],
        CELERY_RESULT_BACKEND=config["CELERY_RESULT_BACKEND"],
        LMS_CELERY_QUEUE=config["CELERY_QUEUE"],
        LMS_OUTBOX_DIR=config["OUTBOX_DIR"],
        LMS_MEDIA_DIR=config["MEDIA_DIR"],
        LMS_CERTIFICATE_KEY_PATH=config["CERTIFICATE_KEY_PATH"],
        LMS_INSTANCE_PATH=str(Path(config["OUTBOX_DIR"]).parent),
        PYTHONUNBUFFERED="1",
    )
    if config.get("EXPORTS_DIR"):
        env["LMS_EXPORTS_DIR"] = config["EXPORTS_DIR"]
    env.update(extra)
    return env


@contextmanager
def celery_worker(config: dict, log: Path, **extra: str):
    """Run `celery -A lms:celery worker` for `config`'s queue until the block ends."""
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "lms:celery", "worker",
        "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", config["CELERY_QUEUE"], "-n", f"{config['CELERY_QUEUE']}@%h",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment(config, **extra), stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120  # a loaded CI machine imports slowly
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, timeout: float = 60, log: Path | None = None, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    detail = f"\nworker log:\n{log.read_text()[-3000:]}" if log else ""
    raise AssertionError(f"{what} did not happen within {timeout} s{detail}")
