"""Course format: publishing a draft and reading course files, before and after the format
became read -> validate -> apply in memory, measured in the same run and in alternating rounds.

"Before" is the code of main just before the change (commit BEFORE), loaded from git: its
lms/content/format.py and archive.py run as they were (publishing wrote the draft into a
temporary folder, read it back and matched English messages; archives were unpacked to disk).
"After" is the code as it is. Both publish through the same `apply_course`, on a throwaway
SQLite database, committing each round.

`python -m bench course_format` (small: a 20-lesson draft); BENCH_BIG=1 for a 100-lesson one.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BEFORE = "cf6c32e"  # main before the course format moved into memory
ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH = (
    "Blended courses work where **data is costly**: plan offline reading, [short videos](https://example.org) "
    "and SMS reminders.\n\n| Tool | Cost |\n|---|---|\n| Radio | low |\n\n- one\n- two\n\n"
)


def old_module(name: str, path: str, replace: dict[str, str] | None = None):
    """A module of lms as it was at BEFORE, under another name."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    for old, new in (replace or {}).items():
        source = source.replace(old, new)
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source, f"{BEFORE}:{path}", "exec"), module.__dict__)  # noqa: S102 (our own code, from git)
    return module


def rounds(pairs: dict[str, tuple], repeat: int) -> dict[str, tuple[float, float]]:
    """Median ms of each (before, after) pair, the two taking turns in every round."""
    samples = {name: ([], []) for name in pairs}
    for _ in range(repeat):
        for name, actions in pairs.items():
            for index, action in enumerate(actions):
                started = time.perf_counter()
                action()
                samples[name][index].append(time.perf_counter() - started)
    return {name: tuple(statistics.median(s) * 1000 for s in both) for name, both in samples.items()}


def main(argv: list[str]) -> None:
    from lms import create_app
    from lms.authoring import publishing, services
    from lms.content import archive, format
    from lms.content.importer import ImportReport, apply_course
    from lms.courses.models import Audience, CompletionRule
    from lms.extensions import db
    from lms.roles import Role
    from tests.authoring.helpers import PNG
    from tests.factories import make_user

    old_format = old_module("bench_before_format", "lms/content/format.py")
    old_archive = old_module("bench_before_archive", "lms/content/archive.py",
                             {"from lms.content.format import": "from bench_before_format import"})  # fmt: skip
    big = bool(os.environ.get("BENCH_BIG"))
    modules, lessons = (10, 10) if big else (4, 5)
    shipped = ROOT / "courses"
    one_course = sorted(path for path in shipped.iterdir() if (path / "course.toml").is_file())[0]

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "MEDIA_DIR": str(Path(folder) / "media"),
        })  # fmt: skip
        values = dict(title="Bench", summary="", audience=Audience.FACULTY, language="en", hours=2.0,
                      outcomes=["Measure."], completion_rule=CompletionRule.ALL_LESSONS, pass_mark=50)  # fmt: skip
        with app.app_context():
            db.create_all()
            owner = make_user(role=Role.TRAINER, email="bench@example.org")
            draft = services.create_course(owner, "bench", **values)
            image = services.add_image(draft, PNG, "map.png", "A map")
            for m in range(modules):
                module = services.add_module(draft, f"Module {m}")
                for n in range(lessons):
                    each = services.add_lesson(module, f"Lesson {m}.{n}", owner)
                    body = PARAGRAPH * 20 + f"\n![A map](/media/{image.filename})\n"
                    services.save_lesson(each, seen_revision=1, title=each.title, minutes=5, body=body,
                                         author=owner)  # fmt: skip
            db.session.commit()
            draft_id, owner_id = draft.course_id, owner.id
            zipped = archive.course_zip(format.load_tree(one_course)[0][0])

        def publish(before: bool):
            def run():
                with app.app_context():
                    from lms.accounts.models import User
                    from lms.authoring.models import DraftCourse

                    author = db.session.get(User, owner_id)
                    target = db.session.get(DraftCourse, draft_id)
                    first = target.lessons[0]
                    services.save_lesson(first, seen_revision=first.revision, title=first.title, minutes=5,
                                         body=first.body + "\nMore.\n", author=author)  # fmt: skip
                    if before:  # as publishing.publish was: files in a temporary folder, read back
                        with tempfile.TemporaryDirectory(prefix="lms-publish-") as temporary:
                            root = Path(temporary) / "bench"
                            old_archive.write_course(publishing.draft_spec(target), root)
                            (spec,), problems = old_format.load_tree(root, 1_000_000, 2_000_000)
                        assert problems == []
                        spec.source_path, spec.published = None, True
                        spec.version = publishing.next_version(target.course.version)
                        apply_course(spec, ImportReport(), source_path=None)
                    else:
                        publishing.publish(target, author)
                    db.session.commit()

            return run

        def read_zip(before: bool):
            reader = old_archive.read_archive if before else archive.read_archive

            def run():
                specs, problems = reader(zipped, archive.ArchiveLimits(), 1_000_000, 2_000_000)
                assert problems == [] and len(specs) == 1

            return run

        def read_folder(before: bool):
            loader = old_format.load_tree if before else format.load_tree

            def run():
                specs, problems = loader(shipped)
                assert problems == [] and len(specs) == 4

            return run

        with app.app_context():
            results = rounds({
                f"publish a {modules * lessons}-lesson draft (one lesson edited), commit": (publish(True), publish(False)),
                f"read and validate an uploaded ZIP ({one_course.name})": (read_zip(True), read_zip(False)),
                "read and validate courses/ (flask courses import, before the import)": (
                    read_folder(True), read_folder(False)),
            }, 7)  # fmt: skip
    print(f"| operation | before ({BEFORE}) ms | after ms | after / before |")
    print("|---|---:|---:|---:|")
    for name, (before, after) in results.items():
        print(f"| {name} | {before:.1f} | {after:.1f} | {after / before:.2f}× |")


if __name__ == "__main__":
    main(sys.argv[1:])
