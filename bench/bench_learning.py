"""Lesson-page throughput under gunicorn against a bare Flask "hello" served the same way,
and the lesson page's transfer size with its stylesheet.

Goal (issue 3): at least a third of the bare rate; under 40 KB with the CSS.
"""

from __future__ import annotations

import gzip
import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.httpload import run_load

ROOT = Path(__file__).resolve().parents[1]
LESSON = "/courses/blended-course-design/lessons/blended-online-hybrid"
PASSWORD = "quiet marks run slowly 7"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def gunicorn(target: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    wait_for(port)
    return process


def prepare(env: dict) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["courses", "import", "--quiet"],
                 ["users", "create", "--email", "bench@example.org", "--name", "Bench Learner", "--password", PASSWORD]):  # fmt: skip
        done = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr or done.stdout}")


def signed_in_cookie(port: int) -> str:
    """Sign in and enrol through the real forms; return the Cookie header to reuse."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def post(path: str, fields: dict) -> None:
        page = opener.open(base + "/").read().decode()  # noqa: S310 (loopback http URL we build)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        opener.open(urllib.request.Request(base + path, data=data, headers={"User-Agent": "bench"}))  # noqa: S310 (loopback http URL we build)

    opener.addheaders = [("User-Agent", "bench")]
    post("/login", {"email": "bench@example.org", "password": PASSWORD})
    post("/courses/blended-course-design/enrol", {})
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def transfer_sizes(port: int, cookie: str) -> tuple[int, int, int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", LESSON, headers={"Cookie": cookie, "User-Agent": "bench"})
    html = connection.getresponse().read()
    connection.request("GET", "/static/css/site.css")
    css = connection.getresponse().read()
    connection.close()
    return len(html), len(css), len(gzip.compress(html)), len(gzip.compress(css))


def main(argv: list[str]) -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
            SECRET_KEY="bench-secret",
            LMS_RATELIMIT_ENABLED="false",
            LMS_OUTBOX_DIR=f'"{folder}/outbox"',
            LMS_MEDIA_DIR=f'"{folder}/media"',
        )
        prepare(env)
        hello_port, lms_port = free_port(), free_port()
        hello = gunicorn("bench.hello:app", hello_port, env, workers)
        lms = gunicorn("wsgi:app", lms_port, env, workers)
        try:
            cookie = signed_in_cookie(lms_port)
            headers = {"Cookie": cookie, "User-Agent": "bench"}
            run_load(lms_port, LESSON, seconds=1, headers=headers)  # warm up
            bare = run_load(hello_port, "/", seconds=seconds)
            lesson = run_load(lms_port, LESSON, seconds=seconds, headers=headers)
            html, css, html_gz, css_gz = transfer_sizes(lms_port, cookie)
        finally:
            for process in (hello, lms):
                process.terminate()
                process.wait(timeout=10)
    print(f"gunicorn, {workers} sync workers, 8 keep-alive client threads, {seconds:.0f} s each, SQLite\n")
    print("| endpoint | requests/s | errors | ratio to bare |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| bare Flask hello | {bare.rate:.0f} | {bare.errors} | 1.00 |")
    print(
        f"| lesson page (signed in, enrolled) | {lesson.rate:.0f} | {lesson.errors} | {lesson.rate / bare.rate:.2f} (goal >= 0.33) |"
    )
    print("\n| lesson page transfer | bytes | gzip |")
    print("| --- | ---: | ---: |")
    print(f"| HTML | {html} | {html_gz} |")
    print(f"| CSS | {css} | {css_gz} |")
    print(
        f"| total | {html + css} | {html_gz + css_gz} (goal < 40 KB uncompressed: {'met' if html + css < 40_000 else 'NOT met'}) |"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
