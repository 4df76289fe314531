"""Participation data at scale: seed a large data set, time the dashboard and the CSV export.

    .venv/bin/python -m bench reports            # 100,000 and 1,000,000 enrolments
    .venv/bin/python -m bench.bench_reports --small   (or BENCH_SMALL=1): 10,000 and 100,000
    .venv/bin/python -m bench.bench_reports --proposed-indexes   (indexes suggested for other tables)

Each size is seeded into a fresh database — a temporary SQLite file and the PostgreSQL
database `lms_bench` (recreated; BENCH_POSTGRES_URL overrides the server) — with bulk inserts
(sqlite3 executemany, PostgreSQL COPY): users = enrolments / 5, 20 courses (one quiz each),
40 countries, 300 institutions, three years of enrolments, ~70 % started, ~45 % completed,
~35 % certified, one or two quiz attempts per starter. Then, through the real HTTP routes
as a signed-in administrator: the dashboard (exact figures, by course) and the suppressed CSV
(every breakdown), and five filtered dashboards that read each level of the summary. The bulk
load bypasses the application, so the maintained summary (lms.reports.summary) is rebuilt after
it, as the migration does (timed). Baseline: SELECT COUNT(*) FROM enrolment in the same run.
Memory: peak Python allocation (tracemalloc) during one more CSV request.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench password long enough"
COURSES, COUNTRIES, INSTITUTIONS = 20, 40, 300
COUNTRY_CODES = [
    "KE", "UG", "TZ", "RW", "ET", "NG", "GH", "SN", "ML", "BF", "NE", "TD", "CM", "CD", "MZ", "MW", "ZM",
    "ZW", "MG", "SL", "LR", "GN", "BJ", "TG", "HT", "NP", "BD", "KH", "LA", "MM", "AF", "YE", "SD", "SS",
    "SO", "ER", "BI", "LS", "GM", "TL",
]  # fmt: skip
GENDER_WEIGHTS = (("woman", 46), ("man", 46), ("another", 2), ("unstated", 6))
START = datetime(2023, 1, 1)
# Recreated for each size: an engineer sharing the server names their own (BENCH_DATABASE=...).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "lms_bench")
if not BENCH_DATABASE.replace("_", "").isalnum():
    raise SystemExit("BENCH_DATABASE: letters, digits and underscores only")


def _rows(enrolments: int, seed: int = 7):
    rng = random.Random(seed)
    users_n = enrolments // 5
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    genders = [g for g, w in GENDER_WEIGHTS for _ in range(w)]
    roles = ["faculty", "leader-administrator", "policy-maker", "other"]
    users, enrols, certificates, attempts = [], [], [], []
    users.append((users_n + 2, "trainer@bench.example", "Bench Trainer", password_hash, "trainer", True, "unstated", "KE", "", "other", "0" * 32, START))  # fmt: skip
    users.append(
        (
            1,
            "admin@bench.example",
            "Bench Admin",
            password_hash,
            "admin",
            True,
            "unstated",
            "KE",
            "",
            "other",
            "0" * 32,
            START,
        )
    )
    for uid in range(2, users_n + 2):
        country = COUNTRY_CODES[rng.randrange(COUNTRIES)]
        institution = f"University {rng.randrange(INSTITUTIONS // COUNTRIES)} of {country}"
        users.append((uid, f"u{uid}@bench.example", f"Learner {uid}", password_hash, "learner", True, rng.choice(genders), country, institution, rng.choice(roles), "0" * 32, START))  # fmt: skip
        first = rng.randrange(COURSES)
        for k in range(5):
            course = (first + k) % COURSES + 1
            eid = len(enrols) + 1
            enrolled = START + timedelta(seconds=rng.randrange(3 * 365 * 86400))
            started = completed = left = None
            status = "active"
            r = rng.random()
            if r < 0.7:
                started = enrolled + timedelta(hours=rng.randrange(1, 500))
                attempts.append(
                    (len(attempts) + 1, course, uid, course, 1, rng.randrange(0, 101), True, "{}", started)
                )
                if rng.random() < 0.3:
                    attempts.append((len(attempts) + 1, course, uid, course, 2, rng.randrange(0, 101), True, "{}", started))  # fmt: skip
                if r < 0.45:
                    completed = started + timedelta(hours=rng.randrange(1, 4000))
                    if r < 0.35:
                        certificates.append((len(certificates) + 1, f"C{eid:012d}", uid, course, "valid", f"Learner {uid}", f"Course {course}", "1.0", 2.0, "en", completed, completed, "Bench", ""))  # fmt: skip
            if rng.random() < 0.1:
                status, left = "left", enrolled + timedelta(days=30)
            enrols.append(
                (
                    eid,
                    uid,
                    course,
                    status,
                    "self",
                    enrolled,
                    left,
                    started,
                    completed,
                    rng.randrange(1_000_000),
                )
            )
            if len(enrols) >= enrolments:
                break
        if len(enrols) >= enrolments:
            break
    courses = [
        (c, f"course-{c}", f"Course {c}", "", ["faculty", "leaders-administrators", "policy-makers"][c % 3], "en", 2.0, "1.0", "[]", "lessons-and-quizzes", 70, True, START, START)
        for c in range(1, COURSES + 1)
    ]  # fmt: skip
    modules = [(c, c, "m1", 0, "Module 1", "") for c in range(1, COURSES + 1)]
    quizzes = [(c, c, c, "Quiz", 3) for c in range(1, COURSES + 1)]
    trainers = [(c, users_n + 2) for c in range(1, COURSES + 1)]  # a trainer of every course
    return {
        "user": ("id, email, full_name, password_hash, role, active, gender, country, institution, profile_role, session_token, created_at", users),
        "course": ("id, slug, title, summary, audience, language, hours, version, outcomes, completion_rule, pass_mark, published, created_at, updated_at", courses),
        "module": ("id, course_id, slug, position, title, summary", modules),
        "quiz": ("id, course_id, module_id, title, max_attempts", quizzes),
        "course_trainer": ("course_id, user_id", trainers),
        "enrolment": ("id, user_id, course_id, status, source, enrolled_at, left_at, started_at, completed_at, record_key", enrols),
        "certificate": ("id, code, user_id, course_id, status, holder_name, course_title, course_version, hours, language, completed_at, issued_at, issuer_name, signatory", certificates),
        "quiz_attempt": ("id, quiz_id, user_id, course_id, number, score, passed, answers, submitted_at", attempts),
    }  # fmt: skip


def _schema(url: str) -> None:
    from lms import create_app
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def _seed_sqlite(path: str, data) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    for table, (columns, rows) in data.items():
        marks = ", ".join("?" for _ in columns.split(","))
        converted = ([str(v) if isinstance(v, datetime) else v for v in row] for row in rows)
        connection.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', converted)  # noqa: S608
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def _seed_postgres(url: str, data) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        with connection.cursor() as cursor:
            for table, (columns, rows) in data.items():
                with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            for table in (t for t in data if t != "course_trainer"):
                sequence = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: S608
                cursor.execute(sequence)
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")


# Indexes on other domains' tables that reports would use; `--proposed-indexes` adds them after
# seeding so that their effect can be measured before anyone adds them to the models.
PROPOSED_INDEXES = (
    "CREATE INDEX ix_bench_quiz_attempt_best ON quiz_attempt (user_id, course_id, quiz_id, score)",
    "CREATE INDEX ix_bench_enrolment_course_enrolled ON enrolment (course_id, enrolled_at)",
)


def _propose_indexes(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in PROPOSED_INDEXES:
            connection.execute(text(statement))
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _fresh_postgres(base: str) -> str | None:
    try:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
        admin.dispose()
    except Exception as error:  # noqa: BLE001  (no server: measure SQLite only, and say so)
        print(f"(PostgreSQL unavailable: {error.__class__.__name__}; SQLite only)")
        return None
    return f"{base}/{BENCH_DATABASE}"


def _rebuild_summary(url: str) -> tuple[float, int, int, int]:
    """The bulk load bypassed the application, so the summary is rebuilt as after a migration
    (`flask reports rebuild-summary`): its time and the number of detail rows."""
    from lms import create_app
    from lms.extensions import db
    from lms.reports import summary

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as connection:
            fine = summary.rebuild(connection)
        elapsed = time.perf_counter() - started
        with db.engine.begin() as connection:
            total = connection.execute(text("SELECT COUNT(*) FROM enrolment_summary")).scalar()
            days = connection.execute(text("SELECT COUNT(*) FROM enrolment_days")).scalar()
            if db.engine.dialect.name == "postgresql":
                connection.execute(text("ANALYZE enrolment_summary"))
                connection.execute(text("ANALYZE enrolment_days"))
            else:
                connection.execute(text("ANALYZE"))
        db.engine.dispose()
    return elapsed, fine, total, days


# Filtered dashboards: each level of the summary, and the slowest (FINE rows) cases.
FILTERED = {
    "by month, 2024-03-17..2025-08-09": "by=month&enrolled_from=2024-03-17&enrolled_to=2025-08-09",
    "by course, country KE": "by=course&country=KE",
    "by institution, faculty, from 2023-05-02": "by=institution&profile_role=faculty&enrolled_from=2023-05-02",
    "by country (no filter)": "by=country",
    "by course, one institution": "by=course&institution=University+3+of+KE",
}


def _timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _measure(url: str, tmp: Path) -> dict:
    from lms import create_app
    from lms.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "OUTBOX_DIR": str(tmp / "outbox"),
        }
    )
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    trainer = app.test_client()
    response = trainer.post("/login", data={"email": "trainer@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    def count():
        with app.app_context():
            db.session.execute(text("SELECT COUNT(*) FROM enrolment")).scalar()

    def dashboard():
        assert client.get("/reports/participation?by=course").status_code == 200

    def trainer_dashboard():
        assert trainer.get("/reports/participation?by=course").status_code == 200

    def filtered(query):
        def run():
            assert client.get(f"/reports/participation?{query}").status_code == 200

        return run

    def export():
        response = client.get("/reports/participation.csv")
        assert response.status_code == 200
        response.get_data()

    result = {
        "baseline": _timed(count),
        "dashboard": _timed(dashboard),
        "trainer": _timed(trainer_dashboard),
        "csv": _timed(export, 1),
        "filtered": {label: _timed(filtered(query)) for label, query in FILTERED.items()},
    }
    tracemalloc.start()
    export()
    result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    with app.app_context():
        db.engine.dispose()
    return result


def main(argv: list[str]) -> None:
    small = "--small" in argv or os.environ.get("BENCH_SMALL") == "1"
    proposed = "--proposed-indexes" in argv
    sizes = (10_000, 100_000) if small else (100_000, 1_000_000)
    postgres_base = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for size in sizes:
            started = time.perf_counter()
            data = _rows(size)
            generate = time.perf_counter() - started
            targets = [("SQLite", f"sqlite:///{tmp / f'bench-{size}.sqlite3'}")]
            pg = _fresh_postgres(postgres_base)
            if pg:
                targets.append(("PostgreSQL", pg))
            for name, url in targets:
                _schema(url)
                started = time.perf_counter()
                if name == "SQLite":
                    _seed_sqlite(url.removeprefix("sqlite:///"), data)
                else:
                    _seed_postgres(url, data)
                if proposed:
                    _propose_indexes(url)
                seed = time.perf_counter() - started
                rebuilt = _rebuild_summary(url)
                timing = _measure(url, tmp)
                timing["rebuild"] = rebuilt
                rows.append((name, size, generate, seed, timing))
                print(f"  measured {name} at {size:,} enrolments", file=sys.stderr, flush=True)
            del data
    if proposed:
        print("With the proposed indexes:", "; ".join(PROPOSED_INDEXES), "\n")
    print(
        "| database | enrolments | rows generated (s) | seeded (s) | baseline COUNT(*) (ms) | dashboard (ms) | × baseline | trainer's dashboard (ms) | × baseline | CSV export (ms) | × baseline | peak Python memory, CSV (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, generate, seed, t in rows:
        print(
            f"| {name} | {size:,} | {generate:.1f} | {seed:.1f} | {t['baseline'] * 1000:.1f} | {t['dashboard'] * 1000:.0f} | "
            f"{t['dashboard'] / t['baseline']:.0f} | {t['trainer'] * 1000:.0f} | {t['trainer'] / t['baseline']:.0f} | {t['csv'] * 1000:.0f} | {t['csv'] / t['baseline']:.0f} | {t['peak_mb']:.1f} |"
        )
    print()
    print(
        "| database | enrolments | summary rebuilt (s) | detail rows | summary rows, all levels | day-histogram rows |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, size, _generate, _seed, t in rows:
        elapsed, fine, total, days = t["rebuild"]
        print(f"| {name} | {size:,} | {elapsed:.1f} | {fine:,} | {total:,} | {days:,} |")
    print()
    print("| database | enrolments | filtered dashboard | time (ms) | × baseline |")
    print("|---|---:|---|---:|---:|")
    for name, size, _generate, _seed, t in rows:
        for label, seconds in t["filtered"].items():
            print(f"| {name} | {size:,} | {label} | {seconds * 1000:.0f} | {seconds / t['baseline']:.0f} |")
    print()
    print(
        "| database | growth in enrolments | baseline growth | dashboard growth | CSV growth | memory growth |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name in ("SQLite", "PostgreSQL"):
        measured = [r for r in rows if r[0] == name]
        if len(measured) == 2:
            (_, a, _, _, ta), (_, b, _, _, tb) = measured
            print(
                f"| {name} | {b / a:.0f}× | {tb['baseline'] / ta['baseline']:.1f}× | {tb['dashboard'] / ta['dashboard']:.1f}× | "
                f"{tb['csv'] / ta['csv']:.1f}× | {tb['peak_mb'] / ta['peak_mb']:.1f}× |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
