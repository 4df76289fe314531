"""Certificate export through the task queue against the same export inline, per 1,000
certificates: a real Celery worker (tests/worker.py: a subprocess against Redis) takes the job
from the broker, writes the ZIP and records progress; inline writes the same ZIP in this process.
Both on one throwaway SQLite database seeded with bulk inserts, measured in the same run.

Usage: python -m bench jobs [--count 1000]   (needs the Redis of .ci/run on 127.0.0.1:6379)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_jobs")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from bench.bench_certificates import seed
    from lms import create_app
    from lms.accounts.models import User
    from lms.certificates import jobs as certificate_jobs
    from lms.certificates import queries
    from lms.extensions import db
    from lms.jobs import services
    from lms.jobs.models import Job, JobState
    from lms.roles import Role
    from lms.unit_of_work import unit_of_work
    from tests import factories
    from tests.worker import celery_worker, queue_settings

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = {
            "SECRET_KEY": "bench",
            "BASE_URL": "http://localhost",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite3'}",
            "CERTIFICATE_KEY_PATH": str(root / "key.pem"),
            "OUTBOX_DIR": str(root / "outbox"),
            "MEDIA_DIR": str(root / "media"),
            "EXPORTS_DIR": str(root / "exports"),
            **queue_settings(),
        }
        app = create_app(config)
        app.logger.setLevel("ERROR")
        with app.app_context():
            seed(args.count)
            admin = factories.make_user(role=Role.ADMIN, email="bench-admin@example.org")
            db.session.commit()
            admin_id = admin.id
            criteria = queries.RegisterFilter()
            started = time.perf_counter()
            certificate_jobs.write_zip(criteria, root / "inline.zip", lambda done, total=None: None)
            inline = time.perf_counter() - started

        with celery_worker(config, root / "worker.log"), app.app_context():
            started = time.perf_counter()
            with unit_of_work():
                owner = db.session.get(User, admin_id)
                job = services.start(
                    certificate_jobs.ZIP.name, owner, certificate_jobs.criteria_params(criteria)
                )
                job_id = job.id
            ended = services.follow(job_id, lambda done: None, interval=0.05)
            queued = time.perf_counter() - started
            assert ended.state == JobState.SUCCEEDED, (root / "worker.log").read_text()[-2000:]
            size = (
                services.stored_file(db.session.execute(select(Job).where(Job.id == job_id)).scalar_one())
                .stat()
                .st_size
            )
    per = 1000 / args.count
    print("| certificate ZIP export | total s | s per 1,000 certificates | ratio to inline |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| inline (this process) | {inline:.1f} | {inline * per:.1f} | 1.00 |")
    print(
        f"| through the queue (Redis, one worker) | {queued:.1f} | {queued * per:.1f} | {queued / inline:.2f} |"
    )
    print(
        f"\n({args.count:,} certificates, archive {size / 1e6:.1f} MB; queued time runs from queuing to the job's end)"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
