"""Health endpoints: /healthz and /readyz (database, migrations, queue broker) against a bare
Flask "hello", through gunicorn-free in-process requests on a throwaway SQLite database, with
and without a Redis broker (the one of tests/worker.py). Goal: each under 50 ms."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

REPEAT = 300


def timings(client, path: str) -> list[float]:
    client.get(path)  # warm-up: the first /readyz reads the migration files
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
    return samples


def main(argv: list[str]) -> None:
    from flask_migrate import upgrade

    from bench.hello import app as hello
    from lms import create_app
    from tests.worker import queue_settings

    rows = []
    bare = timings(hello.test_client(), "/")
    with tempfile.TemporaryDirectory() as folder:
        base = {
            "SECRET_KEY": "bench",
            "BASE_URL": "http://localhost",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "CERTIFICATE_KEY_PATH": str(Path(folder) / "key.pem"),
        }
        plain = create_app(base)
        with plain.app_context():
            upgrade()
        queued = create_app({**base, **queue_settings()})
        for label, app, path in (
            ("/healthz", plain, "/healthz"),
            ("/readyz, no broker", plain, "/readyz"),
            ("/readyz, Redis broker", queued, "/readyz"),
        ):
            rows.append((label, timings(app.test_client(), path)))
    base_median = statistics.median(bare)
    print("| endpoint | median ms | p99 ms | max ms | ratio to bare (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| bare Flask hello | {base_median:.2f} | {sorted(bare)[int(REPEAT * 0.99)]:.2f} | {max(bare):.2f} | 1.00 |"
    )
    for label, samples in rows:
        median = statistics.median(samples)
        p99 = sorted(samples)[int(REPEAT * 0.99)]
        print(f"| {label} | {median:.2f} | {p99:.2f} | {max(samples):.2f} | {median / base_median:.1f} |")
    print(f"\n({REPEAT} requests each, in-process; goal: under 50 ms)")
