"""Study pages at national load (issue 14), on SQLite and on PostgreSQL.

1. Each page against a bare Flask "hello": both under gunicorn with the same sync workers,
   loaded by wrk (8 connections), rounds interleaved; the ratio is the page's rate over the
   hello's in the same round (median of the rounds). Signed in, as a browser asks (cookies,
   `Accept-Encoding: gzip, deflate, br, zstd`).
2. A lesson of a 500-lesson course against one of a 5-lesson course: size and time.
3. What travels: each page compressed, on a first visit (with the stylesheet) and a repeat one.
4. Import time and memory: `import wsgi` against `import bench.hello`, and the workers' memory.
5. 200 learners with Locust (headless, bench/locustfile.py) on 4 workers: p50/p95/p99 per kind
   of request, errors, and whether every acknowledged completion is in the database.

Settings (environment): BENCH_SECONDS (3 per run), BENCH_ROUNDS (2), BENCH_WORKERS (2),
BENCH_DATABASES ("sqlite,postgresql"), BENCH_POSTGRES_URL (a database it may empty, default
postgresql://postgres@127.0.0.1:5432/lms_bench_pages, created if missing), BENCH_PORT (first
of the ports it may use, default: any free one), BENCH_USERS (200), BENCH_LOCUST_SECONDS (90),
BENCH_LOCUST_WORKERS (4). wrk comes from Debian (`apt-get install wrk`); without it the
project's own load generator is used and the table says so.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.httpload import run_load

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "quiet marks run slowly 7"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "bench"}
SMALL_LESSONS, LARGE_MODULES, LARGE_PER_MODULE = 5, 50, 10
TITLE = "Designing activities that work on a phone"
GOALS = {"page": (0.33, 0.25)}  # ratio to hello on SQLite, on PostgreSQL


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


class Ports:
    """Ports for the servers: from BENCH_PORT upwards when given, else any free one."""

    def __init__(self) -> None:
        first = setting("BENCH_PORT", "")
        self.next = int(first) if first else None

    def take(self) -> int:
        if self.next is None:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                return sock.getsockname()[1]
        port, self.next = self.next, self.next + 1
        return port


def wait_for(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def gunicorn(target: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    """`--preload`: the application is built once, before the workers fork (it opens no
    database connection while it is built), so they share its memory and start at once."""
    # The application runs with the production settings (gunicorn.conf.py: preload, the workers'
    # own connections after the fork) without its access log; the hello with none of them.
    config = "gunicorn.conf.py" if target.startswith("wsgi") else os.devnull
    command = [sys.executable, "-m", "gunicorn", "-c", config, "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--preload"]
    command += ["--log-level", "warning", "--no-control-socket", "--graceful-timeout", "5", target]
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "GUNICORN_ACCESS_LOG": ""})
    wait_for(port, process)
    path = "/healthz" if target.startswith("wsgi") else "/"
    for _ in range(workers * 3):  # every worker has answered once
        fetch(port, path, {"User-Agent": "bench"})
    return process


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the data ---------------------------------------------------------------------------------


def lesson_body() -> str:
    """A real lesson's text, so that pages have a lesson's usual size."""
    return (
        ROOT / "courses/blended-course-design/05-running-and-improving/03-feedback-and-iteration.md"
    ).read_text()


def spec(slug: str, modules: int, per_module: int):
    from tests.factories import course_spec

    course = course_spec(slug, modules=modules, lessons=per_module, questions=5, rule="lessons-and-quizzes")
    body = lesson_body()
    for module in course.modules:
        module.title = f"Module {module.slug[1:]}: teaching with few resources"
        for lesson in module.lessons:
            lesson.slug = f"{lesson.slug}-activities-on-a-phone"
            lesson.title = f"{lesson.slug.split('-')[0][1:]}.{lesson.slug.split('-')[1][1:]} {TITLE}"
            lesson.body = body
    return course


def seed(url: str, instance: Path, learners: int) -> dict:
    """Fresh schema, the shipped courses, a 5-lesson and a 500-lesson course, the bench learner
    (enrolled, a few lessons done), a certificate to verify and `learners` Locust accounts."""
    from werkzeug.security import generate_password_hash

    from lms import create_app
    from lms.accounts.models import User
    from lms.certificates.services import current_certificate
    from lms.content.importer import ImportReport, apply_course
    from lms.courses.queries import course_by_slug
    from lms.extensions import db
    from lms.learning import services as learning
    from lms.quizzes import services as quizzes
    from tests import factories

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False,
         "BASE_URL": "http://127.0.0.1"},
        instance_path=str(instance),
    )  # fmt: skip
    app.logger.setLevel("ERROR")
    with app.app_context():
        db.drop_all()
        db.create_all()
        imported = app.test_cli_runner().invoke(args=["courses", "import", "--quiet"])  # the shipped ones
        if imported.exit_code:
            raise RuntimeError(imported.output)
        apply_course(spec("small", 1, SMALL_LESSONS), ImportReport())
        apply_course(spec("large", LARGE_MODULES, LARGE_PER_MODULE), ImportReport())
        db.session.flush()
        small = course_by_slug("small", with_structure=True)
        large = course_by_slug("large", with_structure=True)
        password_hash = generate_password_hash(PASSWORD, method="scrypt")
        bench = factories.make_user(email="bench@example.org", full_name="Bench Learner")
        holder = factories.make_user(email="holder@example.org", full_name="Amina Yusuf")
        for user in (bench, holder):
            user.password_hash = password_hash
        for course in (small, large):
            factories.enrol(bench, course)
        for lesson in small.lessons[:2] + large.lessons[:30]:
            learning.complete_lesson(bench.id, lesson)
        enrolment = factories.enrol(holder, small)
        for lesson in small.lessons:
            learning.complete_lesson(holder.id, lesson)
        quiz = small.modules[0].quiz
        quizzes.submit(quiz, holder, 1, {f"q-{question.slug}": ["a"] for question in quiz.questions})
        learning.check_course_completion(enrolment, small)
        db.session.add_all(
            User(email=f"learner{n}@bench.example", full_name=f"Learner {n}", password_hash=password_hash,
                 country="KE", institution="Bench University")
            for n in range(1, learners + 1)
        )  # fmt: skip
        db.session.commit()
        code = current_certificate(holder.id, small.id).code
        facts = {
            "verify": code,
            "small_lessons": [lesson.slug for lesson in small.lessons],
            "large_lessons": [lesson.slug for lesson in large.lessons],
            "large_lesson": large.lessons[len(large.lessons) // 2].slug,
        }
        db.session.remove()
        db.engine.dispose()
    return facts


def completions_present(url: str, instance: Path, acknowledged: list) -> tuple[int, int]:
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.models import User
    from lms.courses.models import Lesson
    from lms.extensions import db
    from lms.learning.models import LessonCompletion

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"}, instance_path=str(instance)
    )
    with app.app_context():
        stored = set(
            db.session.execute(
                select(User.email, Lesson.slug)
                .join(LessonCompletion, LessonCompletion.user_id == User.id)
                .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            ).all()
        )
        db.engine.dispose()
    wanted = {tuple(pair) for pair in acknowledged}
    return len(wanted & stored), len(wanted)


# --- measuring ----------------------------------------------------------------------------------


def signed_in_cookie(port: int, email: str = "bench@example.org") -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", "bench")]
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login").read().decode()  # noqa: S310 (loopback URL we build)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
    opener.open(urllib.request.Request(base + "/login", data=data))  # noqa: S310 (loopback URL we build)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def load(port: int, path: str, seconds: float, headers: dict) -> tuple[float, int]:
    """(requests per second, failed requests) for `path`, with wrk when it is installed."""
    if not shutil.which("wrk"):
        result = run_load(port, path, seconds=seconds, headers=headers)
        return result.rate, result.errors
    command = ["wrk", "-t2", "-c8", f"-d{max(1, round(seconds))}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", done.stdout))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done.stdout
    )
    if socket_errors:
        failed += sum(int(n) for n in socket_errors.groups())
    return rate, failed


def fetch(port: int, path: str, headers: dict) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, {key.lower(): value for key, value in response.getheaders()}


def transfer(port: int, path: str, cookie: str) -> dict:
    """Bytes of the page (raw, and as sent compressed) and of its stylesheet on a first visit;
    a repeat visit fetches only the page when the stylesheet is cached as immutable."""
    status, raw, _ = fetch(port, path, {"Cookie": cookie, "User-Agent": "bench"})
    assert status == 200, (path, status)
    _, sent, headers = fetch(port, path, {"Cookie": cookie, **BROWSER})
    css_path = re.search(rb'<link rel="stylesheet" href="([^"]+)"', raw).group(1).decode()
    _, css, css_headers = fetch(port, css_path, BROWSER)
    immutable = "immutable" in css_headers.get("cache-control", "")
    first = len(sent) + len(css)
    return {
        "raw": len(raw),
        "sent": len(sent),
        "encoding": headers.get("content-encoding", "none"),
        "css": len(css),
        "first": first,
        "repeat": len(sent) if immutable else first,
        "immutable": immutable,
    }


def import_cost(env: dict, module: str, runs: int = 3) -> tuple[float, float]:
    """Median seconds and MB resident of a fresh interpreter after importing `module`, with
    compiled bytecode cached (as an installed application has it: a first run writes it)."""
    code = (
        "import re, time; started = time.perf_counter(); import "
        + module
        + "; seconds = time.perf_counter() - started; "
        "print(seconds, int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)"
    )
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    samples = []
    for _ in range(runs + 1):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        seconds, megabytes = done.stdout.split()
        samples.append((float(seconds), float(megabytes)))
    samples = samples[1:]  # the first run compiled the bytecode
    return statistics.median(s for s, _ in samples), statistics.median(m for _, m in samples)


def worker_memory(master: subprocess.Popen) -> tuple[float, float]:
    """Mean RSS and PSS in MB of the gunicorn master's workers."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    rss, pss = [], []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        rss.append(int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024)
        pss.append(int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024)
    return statistics.mean(rss), statistics.mean(pss)


def locust(port: int, env: dict, facts: dict, folder: Path) -> tuple[list[dict], list]:
    users = int(setting("BENCH_USERS", "200"))
    seconds = int(setting("BENCH_LOCUST_SECONDS", "90"))
    acks = folder / "acknowledged.json"
    locust_env = {
        **env,
        "BENCH_ACK_FILE": str(acks),
        "BENCH_SMALL_LESSONS": json.dumps(facts["small_lessons"]),
        "BENCH_LARGE_LESSONS": json.dumps(facts["large_lessons"]),
    }
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/locustfile.py"), "--headless"]
    command += ["-u", str(users), "-r", f"{users / 60:.2f}", "-t", f"{seconds}s"]  # arriving over a minute
    command += ["--host", f"http://127.0.0.1:{port}", "--csv", str(folder / "locust"), "--only-summary"]
    command += ["--loglevel", "ERROR", "--exit-code-on-error", "0"]
    done = subprocess.run(command, cwd=ROOT, env=locust_env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"locust failed: {done.stderr[-3000:]}")
    import csv

    with (folder / "locust_stats.csv").open() as file:
        rows = list(csv.DictReader(file))
    return rows, json.loads(acks.read_text()) if acks.exists() else []


# --- one database -------------------------------------------------------------------------------


def run_database(name: str, url: str, ports: Ports) -> dict:
    seconds = float(setting("BENCH_SECONDS", "3"))
    rounds = int(setting("BENCH_ROUNDS", "2"))
    workers = int(setting("BENCH_WORKERS", "2"))
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        instance = folder / "instance"
        users = int(setting("BENCH_USERS", "200"))
        started = time.perf_counter()
        facts = seed(url, instance, users)
        seeded = time.perf_counter() - started
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "LMS_INSTANCE_PATH": str(instance),
            "LMS_RATELIMIT_ENABLED": "false",  # every simulated learner comes from 127.0.0.1
            "BASE_URL": "http://127.0.0.1",
        }
        results: dict = {
            "name": name,
            "workers": workers,
            "seconds": seconds,
            "rounds": rounds,
            "seeded": seeded,
        }
        parts = setting("BENCH_PARTS", "work,pages,locust").split(",")
        if "work" in parts:
            results["work"] = measure_work(url, instance, facts)
        if "pages" in parts:
            results.update(measure_pages(env, facts, ports, seconds, rounds, workers))
        if "locust" in parts:
            locust_workers = int(setting("BENCH_LOCUST_WORKERS", "4"))
            port = ports.take()
            server = gunicorn("wsgi:app", port, env, locust_workers)
            try:
                rows, acknowledged = locust(port, env, facts, folder)
            finally:
                stop(server)
            results["locust"] = rows
            results["locust_workers"] = locust_workers
            results["completions"] = completions_present(url, instance, acknowledged)
    return results


STUDY_PAGES = {
    "signed-in /healthz (the floor)": "/healthz",
    "lesson (5-lesson course)": "/courses/small/lessons/{small_lesson}",
    "lesson (500-lesson course)": "/courses/large/lessons/{large_lesson}",
    "course page": "/courses/small",
    "quiz": "/courses/small/quizzes/m1",
    "My learning": "/learning",
    "catalogue": "/courses",
    "verify": "/verify/{verify}",
}


def study_pages(facts: dict) -> dict[str, str]:
    values = {
        "small_lesson": facts["small_lessons"][2],
        "large_lesson": facts["large_lesson"],
        "verify": facts["verify"],
    }
    return {label: path.format(**values) for label, path in STUDY_PAGES.items()}


def measure_work(url: str, instance: Path, facts: dict, requests: int = 200) -> dict:
    """What each page costs in the process, as counts that a loaded machine does not change:
    SQL statements and Python function calls per request (cProfile), against the bare "hello"
    in the same process; plus in-process milliseconds (noisy), and where a course outline comes
    from: the per-process LRU, Redis (pickled, as Flask-Caching would keep it) or the database."""
    import cProfile
    import pickle
    import pstats

    from sqlalchemy import event

    from bench.hello import app as hello_app
    from lms import create_app
    from lms.courses import outline as outlines
    from lms.courses.queries import course_by_slug
    from lms.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ENABLED": False,
         "BASE_URL": "http://localhost"},
        instance_path=str(instance),
    )  # fmt: skip
    app.logger.setLevel("ERROR")
    client = app.test_client()
    agent = {"User-Agent": BROWSER["User-Agent"]}  # a session is bound to its browser
    page = client.get("/login", headers=agent).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": "bench@example.org", "password": PASSWORD}
    signed = client.post("/login", data=form, headers=agent)
    assert signed.status_code == 302, (signed.status_code, signed.headers)

    def cost(test_client, path: str) -> tuple[int, float, float]:
        """(SQL statements, function calls, milliseconds) per request, warm."""
        for _ in range(5):
            response = test_client.get(path, headers=BROWSER)
            assert response.status_code == 200, (path, response.status_code, response.headers.get("Location"))
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        test_client.get(path, headers=BROWSER)
        event.remove(engine, "before_cursor_execute", listener)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(20):
            test_client.get(path, headers=BROWSER)
        profile.disable()
        calls = pstats.Stats(profile).total_calls / 20
        started = time.perf_counter()
        for _ in range(requests):
            test_client.get(path, headers=BROWSER)
        return len(statements), calls, (time.perf_counter() - started) / requests * 1000

    hello = hello_app.test_client()
    _, hello_calls, hello_ms = cost(hello, "/")
    pages = {label: cost(client, path) for label, path in study_pages(facts).items()}

    sources: dict[str, float] = {}
    with app.app_context():
        course = course_by_slug("large")
        outlines.outline_of(course)
        started = time.perf_counter()
        for _ in range(1000):
            outlines.outline_of(course)
        sources["per-process LRU (as now)"] = (time.perf_counter() - started) / 1000 * 1e6
        blob = pickle.dumps(outlines.outline_of(course))
        try:
            import redis

            connection = redis.Redis.from_url(setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
            key = f"bench-outline-{os.getpid()}"
            connection.set(key, blob, ex=60)
            started = time.perf_counter()
            for _ in range(200):
                pickle.loads(connection.get(key))  # noqa: S301 (the bytes this loop stored)
            sources["Redis GET + unpickle (Flask-Caching's RedisCache)"] = (
                (time.perf_counter() - started) / 200 * 1e6
            )
            connection.delete(key)
        except Exception as error:  # noqa: BLE001 (no Redis here: say so in the table)
            sources[f"Redis: not measured ({type(error).__name__})"] = float("nan")
        started = time.perf_counter()
        for _ in range(20):
            outlines._load.__wrapped__(course.id, course.slug, course.updated_at)
        sources["rebuilt from the database (one query of tuples)"] = (
            (time.perf_counter() - started) / 20 * 1e6
        )
        db.session.remove()
        db.engine.dispose()
    return {"hello": (hello_calls, hello_ms), "pages": pages, "outline": sources, "outline_bytes": len(blob)}


def measure_pages(env: dict, facts: dict, ports: Ports, seconds: float, rounds: int, workers: int) -> dict:
    results: dict = {}
    pages = study_pages(facts)
    hello_port, lms_port = ports.take(), ports.take()
    hello = gunicorn("bench.hello:app", hello_port, env, workers)
    lms = gunicorn("wsgi:app", lms_port, env, workers)
    try:
        cookie = signed_in_cookie(lms_port)
        headers = {"Cookie": cookie, **BROWSER}
        for path in pages.values():  # warm up: outlines cached, templates compiled
            load(lms_port, path, 0.5, headers)
        rates: dict[str, list[float]] = {label: [] for label in ["hello", *pages]}
        failures: dict[str, int] = dict.fromkeys(rates, 0)
        ratios: dict[str, list[float]] = {label: [] for label in pages}
        for _ in range(rounds):
            bare, failed = load(hello_port, "/", seconds, {"User-Agent": "bench"})
            rates["hello"].append(bare)
            failures["hello"] += failed
            for label, path in pages.items():
                rate, failed = load(lms_port, path, seconds, headers)
                rates[label].append(rate)
                failures[label] += failed
                ratios[label].append(rate / bare)
        results["rates"] = {label: statistics.median(values) for label, values in rates.items()}
        results["ratios"] = {label: statistics.median(values) for label, values in ratios.items()}
        results["failures"] = failures
        results["transfer"] = {
            label: transfer(lms_port, path, cookie) for label, path in pages.items() if path != "/healthz"
        }
        results["memory"] = worker_memory(lms)
        results["hello_memory"] = worker_memory(hello)
    finally:
        stop(hello, lms)
    results["import"] = import_cost(env, "wsgi")
    results["hello_import"] = import_cost(env, "bench.hello")
    return results


# --- printing -----------------------------------------------------------------------------------


def print_results(all_results: list[dict]) -> None:
    if all("work" in r for r in all_results):
        print_work(all_results)
    if all("rates" in r for r in all_results):
        print_pages(all_results)
    for r in all_results:
        if "locust" in r:
            print_locust(r)


def print_work(all_results: list[dict]) -> None:
    names = " / ".join(r["name"] for r in all_results)
    print(
        "In the process (Flask's test client, warm, signed in, asking for compression): SQL statements and "
        "Python function calls per request, which a loaded machine does not change, against the bare hello's; "
        f"milliseconds are the machine's of the moment ({names})\n"
    )
    print(
        f"| page | SQL statements ({names}) | goal | function calls | hello's calls / page's | ms ({names}) |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    first = all_results[0]
    hello_calls = first["work"]["hello"][0]
    print(
        f"| bare Flask hello | 0 | | {hello_calls:,.0f} | 1.00 | "
        + " / ".join(f"{r['work']['hello'][1]:.2f}" for r in all_results)
        + " |"
    )
    for label in first["work"]["pages"]:
        counts = [r["work"]["pages"][label][0] for r in all_results]
        calls = first["work"]["pages"][label][1]
        floor = label.startswith("signed-in")
        goal = "" if floor else ("<= 6 ✓" if max(counts) <= 6 else "<= 6 ✗")
        print(
            f"| {label} | {' / '.join(str(c) for c in counts)} | {goal} | {calls:,.0f} | {hello_calls / calls:.3f} | "
            + " / ".join(f"{r['work']['pages'][label][2]:.2f}" for r in all_results)
            + " |"
        )
    print(f"\nA 500-lesson course's outline ({first['work']['outline_bytes']:,} bytes pickled), per read:\n")
    print(f"| source | µs ({names}) |")
    print("| --- | ---: |")
    for source in first["work"]["outline"]:
        values = [r["work"]["outline"].get(source, float("nan")) for r in all_results]
        print(f"| {source} | " + " / ".join(f"{v:,.1f}" for v in values) + " |")
    print()


def print_pages(all_results: list[dict]) -> None:
    tool = "wrk" if shutil.which("wrk") else "bench.httpload (wrk is not installed)"
    first = all_results[0]
    names = " / ".join(r["name"] for r in all_results)
    print(
        f"gunicorn, {first['workers']} sync workers, {tool} with 8 connections, {first['seconds']:g} s per run, "
        f"{first['rounds']} interleaved rounds; ratio = page rate / hello rate in the same round (median)\n"
    )
    print(f"| page | requests/s ({names}) | ratio to hello ({names}) | goal | failed |")
    print("| --- | ---: | ---: | --- | ---: |")
    hello = " / ".join(f"{r['rates']['hello']:.0f}" for r in all_results)
    print(f"| bare Flask hello | {hello} | 1.00 | | {sum(r['failures']['hello'] for r in all_results)} |")
    for label in first["ratios"]:
        rates = " / ".join(f"{r['rates'][label]:.0f}" for r in all_results)
        ratios = []
        for r in all_results:
            goal = GOALS["page"][0 if r["name"] == "SQLite" else 1]
            ratio = r["ratios"][label]
            mark = "" if label.startswith("signed-in") else (" ✓" if ratio >= goal else " ✗")
            ratios.append(f"{ratio:.2f}{mark}")
        goal = "" if label.startswith("signed-in") else ">= 0.33 / 0.25"
        print(
            f"| {label} | {rates} | {' / '.join(ratios)} | {goal} | {sum(r['failures'][label] for r in all_results)} |"
        )

    print(
        "\n| 500-lesson course against 5 lessons | "
        + " | ".join(r["name"] for r in all_results)
        + " | goal |"
    )
    print("| --- |" + " ---: |" * len(all_results) + " --- |")
    sizes = [r["transfer"]["lesson (500-lesson course)"]["raw"] for r in all_results]
    small_sizes = [r["transfer"]["lesson (5-lesson course)"]["raw"] for r in all_results]
    print("| lesson page, 5 lessons (bytes) | " + " | ".join(f"{s}" for s in small_sizes) + " | |")
    print("| lesson page, 500 lessons (bytes) | " + " | ".join(f"{s}" for s in sizes) + " | <= 40,000 |")
    times = []
    for r in all_results:
        slower = r["rates"]["lesson (5-lesson course)"] / r["rates"]["lesson (500-lesson course)"]
        times.append(f"{slower:.2f}{' ✓' if slower <= 1.2 else ' ✗'}")
    print("| time, 500 lessons / 5 lessons | " + " | ".join(times) + " | <= 1.20 |")

    r = all_results[0]
    print(
        f"\n| transfer ({r['name']}; bytes as sent, compressed) | raw | sent | first visit (+ CSS) | repeat visit | goal |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, t in r["transfer"].items():
        ok = t["first"] <= 40_000 and t["repeat"] <= 15_000
        print(
            f"| {label} | {t['raw']} | {t['sent']} ({t['encoding']}) | {t['first']} | {t['repeat']} | "
            f"<= 40 KB / 15 KB{' ✓' if ok else ' ✗'} |"
        )
    print(f"\nThe stylesheet: {r['transfer']['catalogue']['css']} bytes, cached as immutable: "
          f"{r['transfer']['catalogue']['immutable']}.")  # fmt: skip

    print("\n| start-up and memory | " + " | ".join(r["name"] for r in all_results) + " |")
    print("| --- |" + " ---: |" * len(all_results))
    print("| `import wsgi`: seconds | " + " | ".join(f"{r['import'][0]:.2f}" for r in all_results) + " |")
    print(
        "| `import bench.hello`: seconds | "
        + " | ".join(f"{r['hello_import'][0]:.2f}" for r in all_results)
        + " |"
    )
    print("| `import wsgi`: MB resident | " + " | ".join(f"{r['import'][1]:.0f}" for r in all_results) + " |")
    print(
        "| `import bench.hello`: MB resident | "
        + " | ".join(f"{r['hello_import'][1]:.0f}" for r in all_results)
        + " |"
    )
    print("| worker after the load: RSS / PSS MB | " + " | ".join(f"{r['memory'][0]:.0f} / {r['memory'][1]:.0f}" for r in all_results) + " |")  # fmt: skip
    print("| hello worker: RSS / PSS MB | " + " | ".join(f"{r['hello_memory'][0]:.0f} / {r['hello_memory'][1]:.0f}" for r in all_results) + " |")  # fmt: skip


def print_locust(r: dict) -> None:
    users = setting("BENCH_USERS", "200")
    print(
        f"\n{users} learners (Locust, headless, 0-1 s between clicks, {setting('BENCH_LOCUST_SECONDS', '90')} s) "
        f"on {r['name']}, gunicorn with {r['locust_workers']} sync workers:\n"
    )
    print("| request | count | failures | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in r["locust"]:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    total = next((row for row in r["locust"] if row["Name"] == "Aggregated"), None)
    if total:
        p95, p99, failed = float(total["95%"]), float(total["99%"]), int(total["Failure Count"])
        present, acknowledged = r["completions"]
        print(
            f"\nGoals: p95 < 500 ms: {'met' if p95 < 500 else 'NOT met'} ({p95:.0f}); "
            f"p99 < 1 s: {'met' if p99 < 1000 else 'NOT met'} ({p99:.0f}); "
            f"0 errors: {'met' if failed == 0 else 'NOT met'} ({failed}); "
            f"acknowledged completions in the database: {present} of {acknowledged}."
        )


def postgres_url() -> str | None:
    """BENCH_POSTGRES_URL, its database created if missing; None when PostgreSQL does not answer."""
    url = setting("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/lms_bench_pages")
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"(PostgreSQL skipped: {str(error).splitlines()[0]})")
        return None
    return url


def main(argv: list[str]) -> None:
    chosen = setting("BENCH_DATABASES", "sqlite,postgresql").split(",")
    ports = Ports()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in chosen:
            results.append(run_database("SQLite", f"sqlite:///{folder}/bench.sqlite3", ports))
    if "postgresql" in chosen:
        url = postgres_url()
        if url:
            results.append(run_database("PostgreSQL", url, ports))
    print_results(results)


if __name__ == "__main__":
    main(sys.argv[1:])
