"""Learners at national load, for Locust (`bench_pages` runs it headless; see README, Benchmarks).

Each simulated learner signs in with an account of their own (seeded by bench_pages as
learner<N>@bench.example), opens the catalogue and a course, enrols, reads and completes its
lessons, submits its quiz with the right answers, downloads the certificate, then goes on
reading the lessons of a large course, with 0-1 s between clicks. Every completion the server
acknowledges (a redirect) is written to BENCH_ACK_FILE at the end, so that the benchmark can
check each one is in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "quiet marks run slowly 7")
SMALL = os.environ.get("BENCH_SMALL_COURSE", "small")
LARGE = os.environ.get("BENCH_LARGE_COURSE", "large")
SMALL_LESSONS = json.loads(os.environ.get("BENCH_SMALL_LESSONS", "[]"))
LARGE_LESSONS = json.loads(os.environ.get("BENCH_LARGE_LESSONS", "[]"))
QUIZ_MODULE = os.environ.get("BENCH_QUIZ_MODULE", "m1")
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CERTIFICATE = re.compile(r'href="(/certificates/\d+\.pdf)"')
ANSWER = re.compile(r'name="(q-[^"]+)" value="a"')
ATTEMPT = re.compile(r'name="attempt" value="(\d+)"')
HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "bench-locust"}

_numbers = itertools.count(1)
acknowledged: list[tuple[str, str]] = []  # (email, lesson slug) the server confirmed


def token(page: str) -> str:
    found = TOKEN.search(page)
    return found.group(1) if found else ""


class Learner(HttpUser):
    wait_time = between(0, 1)

    def on_start(self) -> None:
        self.client.headers.update(HEADERS)
        self.email = f"learner{next(_numbers)}@bench.example"
        page = self.client.get("/login", name="sign-in form").text
        self.client.post(
            "/login",
            {"csrf_token": token(page), "email": self.email, "password": PASSWORD},
            name="sign in",
        )
        self.path = self.first_course()
        self.large_started = False

    def first_course(self):
        """The small course from catalogue to certificate, one click per step."""
        yield lambda: self.client.get("/courses", name="catalogue")
        yield lambda: self.client.get(f"/courses/{SMALL}", name="course page")
        yield self.enrol(SMALL)
        for slug in SMALL_LESSONS:
            yield lambda slug=slug: self.complete(SMALL, slug)  # read the lesson, then complete it
        yield self.quiz
        yield lambda: self.client.get("/learning", name="my learning")
        yield self.certificate

    def enrol(self, course: str):
        def click():
            page = self.client.get(f"/courses/{course}", name="course page").text
            self.client.post(f"/courses/{course}/enrol", {"csrf_token": token(page)}, name="enrol")

        return click

    def complete(self, course: str, slug: str) -> None:
        """Two clicks: open the lesson, then "Mark as complete"."""
        page = self.client.get(f"/courses/{course}/lessons/{slug}", name="lesson").text
        self.wait()
        with self.client.post(
            f"/courses/{course}/lessons/{slug}/complete",
            {"csrf_token": token(page)},
            name="complete lesson",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                acknowledged.append((self.email, slug))
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    def quiz(self) -> None:
        page = self.client.get(f"/courses/{SMALL}/quizzes/{QUIZ_MODULE}", name="quiz").text
        attempt = ATTEMPT.search(page)
        if attempt is None:
            return  # already passed or out of attempts
        form = {"csrf_token": token(page), "attempt": attempt.group(1)}
        form.update({name: "a" for name in ANSWER.findall(page)})
        self.client.post(f"/courses/{SMALL}/quizzes/{QUIZ_MODULE}", form, name="submit quiz")

    def certificate(self) -> None:
        page = self.client.get("/certificates", name="my certificates").text
        link = CERTIFICATE.search(page)
        if link:
            self.client.get(link.group(1), name="certificate PDF")

    @task
    def next_click(self) -> None:
        step = next(self.path, None)
        if step is not None:
            step()
            return
        if not self.large_started:
            self.large_started = True
            self.enrol(LARGE)()
            return
        slug = random.choice(LARGE_LESSONS)
        if random.random() < 0.3:
            self.complete(LARGE, slug)
        else:
            self.client.get(f"/courses/{LARGE}/lessons/{slug}", name="lesson")


@events.quitting.add_listener
def _write_acknowledged(environment, **_kwargs) -> None:
    path = os.environ.get("BENCH_ACK_FILE")
    if path:
        with open(path, "w") as file:
            json.dump(acknowledged, file)
