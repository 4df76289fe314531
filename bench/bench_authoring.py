"""Authoring: previewing a 19 KB lesson of dense markup (near the renderer's budget) and
publishing a 20-lesson course, against previewing a tiny lesson (the baseline), all measured
in-process in the same run on a throwaway SQLite database.

Preview goes through the real route (form parsing, CSRF, render_markdown + sanitiser, template);
publishing goes through lms.authoring.publishing.publish (write files, validate, apply_course).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    "Blended courses work where **data is costly**: plan offline reading, [short videos](https://example.org) "
    "and SMS reminders.\n\n| Tool | Cost |\n|---|---|\n| Radio | low |\n\n- one\n- two\n\n```\ncode <sample>\n```\n\n"
)


def timed(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main(argv: list[str]) -> None:
    from lms import create_app
    from lms.authoring import publishing, services
    from lms.courses.models import Audience, CompletionRule
    from lms.extensions import db
    from lms.roles import Role
    from tests.conftest import Client
    from tests.factories import DEFAULT_PASSWORD, make_user

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "MEDIA_DIR": str(Path(folder) / "media"),
        })  # fmt: skip
        app.test_client_class = Client
        values = dict(title="Bench", summary="", audience=Audience.FACULTY, language="en", hours=2.0,
                      outcomes=["Measure."], completion_rule=CompletionRule.ALL_LESSONS, pass_mark=50)  # fmt: skip
        big = PARAGRAPH * (19_000 // len(PARAGRAPH))  # near lms.content.budget.MAX_COST
        with app.app_context():
            db.create_all()
            owner = make_user(role=Role.TRAINER, email="bench@example.org")
            draft = services.create_course(owner, "bench", **values)
            module = services.add_module(draft, "Module")
            lesson = services.add_lesson(module, "Lesson", owner)
            services.save_lesson(
                lesson, seen_revision=1, title="Lesson", minutes=5, body="Tiny.", author=owner
            )
            twenty = services.create_course(owner, "twenty", **values)
            for m in range(4):
                module = services.add_module(twenty, f"Module {m}")
                for n in range(5):
                    each = services.add_lesson(module, f"Lesson {m}.{n}", owner)
                    services.save_lesson(each, seen_revision=1, title=each.title, minutes=5,
                                         body=PARAGRAPH * 20, author=owner)  # fmt: skip
            db.session.commit()
            twenty_id, owner_id = twenty.course_id, owner.id

        client = app.test_client()
        client.submit("/login", {"email": "bench@example.org", "password": DEFAULT_PASSWORD})
        token = client.csrf_token()

        def preview(body: str):
            def run():
                response = client.post("/authoring/bench/lessons/lesson", data={
                    "csrf_token": token, "title": "Lesson", "minutes": "5", "body": body, "revision": "2",
                    "preview": "Preview",
                })  # fmt: skip
                assert response.status_code == 200, response.status_code

            return run

        def publish_twenty():
            with app.app_context():
                from lms.accounts.models import User
                from lms.authoring.models import DraftCourse

                author = db.session.get(User, owner_id)
                target = db.session.get(DraftCourse, twenty_id)
                first = target.lessons[0]
                services.save_lesson(first, seen_revision=first.revision, title=first.title, minutes=5,
                                     body=first.body + "\nMore.\n", author=author)  # fmt: skip
                publishing.publish(target, author)
                db.session.commit()

        baseline = timed(preview("Tiny lesson."), 30)
        rows = [
            ("preview a tiny lesson (baseline)", baseline),
            ("preview a 19 KB lesson of dense markup", timed(preview(big), 10)),
            ("publish a 20-lesson course (one lesson edited)", timed(publish_twenty, 5)),
        ]
    print("| operation | median ms | ratio to baseline |")
    print("|---|---:|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} | {ms / baseline:.1f}× |")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
