"""Backups at scale: `backup create`, `verify` and `restore` against a plain copy of the database.

    .venv/bin/python -m bench backup              # 10,000 and 100,000 enrolments
    .venv/bin/python -m bench.bench_backup --small   (or BENCH_SMALL=1): 10,000 only

The data set is bench_reports' (users = enrolments / 5, certificates, quiz attempts), seeded
into a temporary SQLite file and into PostgreSQL (BENCH_POSTGRES_URL's server; the databases
BENCH_BACKUP_DATABASE and BENCH_BACKUP_DATABASE_restore are recreated and dropped). The instance
folder gets 200 images of 20 kB. Baseline, in the same run: a byte copy of the SQLite file, and
plain `pg_dump --format=custom` for PostgreSQL, so the ratio is what the archive adds (the
instance files, the manifest's checksums, the tar.gz and, for restore, the checks before it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_reports import _rows, _schema, _seed_postgres, _seed_sqlite  # noqa: E402

IMAGES, IMAGE_BYTES = 200, 20_000


def _app(url: str, instance: Path):
    from lms import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "MEDIA_DIR": str(instance / "media"),
        "EXPORTS_DIR": str(instance / "exports"),
        "OUTBOX_DIR": str(instance / "outbox"),
        "CERTIFICATE_KEY_PATH": str(instance / "certificate-signing-key.pem"),
    }
    return create_app(config, instance_path=str(instance))


def _recreate(base: str, name: str) -> str | None:
    try:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as error:  # noqa: BLE001  (no server: SQLite only, and say so)
        print(f"(PostgreSQL unavailable: {error.__class__.__name__}; SQLite only)")
        return None
    return f"{base}/{name}"


def _drop(base: str, name: str) -> None:
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _cli(app, *args) -> float:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=list(args))
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return elapsed


def _baseline(name: str, url: str, tmp: Path) -> float:
    started = time.perf_counter()
    if name == "SQLite":
        shutil.copyfile(url.removeprefix("sqlite:///"), tmp / "copy.sqlite3")
    else:
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        subprocess.run(["pg_dump", "--format=custom", "--file", str(tmp / "plain.pgdump"), plain], check=True)  # noqa: S603, S607
    return time.perf_counter() - started


def _measure(name: str, url: str, restore_url: str, tmp: Path) -> dict:
    from lms.extensions import db

    source_instance, target_instance = tmp / f"{name}-source", tmp / f"{name}-target"
    media = source_instance / "media"
    media.mkdir(parents=True)
    for n in range(IMAGES):
        (media / f"{n:064x}.png").write_bytes(os.urandom(IMAGE_BYTES))
    source = _app(url, source_instance)
    archive = tmp / f"{name}.tar.gz"
    timing = {"baseline": _baseline(name, url, tmp), "create": _cli(source, "backup", "create", str(archive))}
    timing["verify"] = _cli(source, "backup", "verify", str(archive))
    target = _app(restore_url, target_instance)
    timing["restore"] = _cli(target, "backup", "restore", str(archive))
    timing["archive_mb"] = archive.stat().st_size / 1e6
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()
    return timing


def main(argv: list[str]) -> None:
    small = "--small" in argv or os.environ.get("BENCH_SMALL") == "1"
    sizes = (10_000,) if small else (10_000, 100_000)
    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
    database = os.environ.get("BENCH_BACKUP_DATABASE", "lms_bench_backup")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for size in sizes:
            data = _rows(size)
            targets = [
                (
                    "SQLite",
                    f"sqlite:///{tmp / f'source-{size}.sqlite3'}",
                    f"sqlite:///{tmp / f'target-{size}.sqlite3'}",
                )
            ]
            source_pg = _recreate(base, database)
            restore_pg = source_pg and _recreate(base, f"{database}_restore")
            if source_pg and restore_pg:
                targets.append(("PostgreSQL", source_pg, restore_pg))
            for name, url, restore_url in targets:
                _schema(url)
                if name == "SQLite":
                    _seed_sqlite(url.removeprefix("sqlite:///"), data)
                else:
                    _seed_postgres(url, data)
                run = tmp / f"{name}-{size}"
                run.mkdir()
                results.append((name, size, _measure(name, url, restore_url, run)))
                print(f"  measured {name} at {size:,} enrolments", file=sys.stderr, flush=True)
            if source_pg:
                _drop(base, database)
                _drop(base, f"{database}_restore")
            del data
    print(f"Instance folder: {IMAGES} images of {IMAGE_BYTES // 1000} kB. Times are wall-clock seconds.\n")
    print(
        "| database | enrolments | baseline copy (s) | create (s) | × baseline | verify (s) | restore (s) | archive (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, t in results:
        print(
            f"| {name} | {size:,} | {t['baseline']:.2f} | {t['create']:.2f} | {t['create'] / t['baseline']:.1f} | "
            f"{t['verify']:.2f} | {t['restore']:.2f} | {t['archive_mb']:.1f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
