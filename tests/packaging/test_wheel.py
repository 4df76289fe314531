"""The wheel that `python -m build` makes installs into a fresh virtual environment and runs there
without the checkout: packaged migrations, course import, pages, translations, certificate PDF.

Building and installing (installation.py) start in the background when the suite is collected;
each later step runs once per module. The subprocesses get a minimal environment: no
PYTHONPATH, no virtual environment of the checkout, a working folder outside it.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import paths
from tests.packaging.installation import CHECKOUT, run
from tests.ports import free_port

CHECK_SCRIPT = Path(__file__).with_name("installed_copy.py")
TINY_COURSE = "tiny-installed"
NOT_SHIPPED = ("__pycache__", ".pyc", ".mo", ".gitkeep")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database_url():
    """SQLite in a temporary folder, or a fresh PostgreSQL database when the suite runs on one."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql")):
        yield None
        return
    url = make_url(suite_url.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    name = f"{url.database}_wheel_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def installed(installation, database_url) -> SimpleNamespace:
    """The installed copy (see installation.py), migrated with `flask --app lms:create_app db
    upgrade`, and how to run commands in it: a minimal environment, a folder outside the checkout."""
    elsewhere = installation.root / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {
        "PATH": f"{installation.venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(installation.root),
        "LANG": "C.UTF-8",
        "LMS_INSTANCE_PATH": str(installation.root / "instance"),
        "LMS_CHECKOUT": str(CHECKOUT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    made = SimpleNamespace(
        wheel=installation.wheel,
        venv=installation.venv,
        python=installation.python,
        flask=installation.venv / "bin" / "flask",
        env=env,
        cwd=elsewhere,
    )
    made.migrated = flask(made, "db", "upgrade")
    return made


@pytest.fixture(scope="module")
def wheel(installation) -> Path:
    return installation.wheel


def flask(installed, *args) -> subprocess.CompletedProcess:
    return in_installed(installed, installed.flask, "--app", "lms:create_app", *args)


def in_installed(installed, *args, **env) -> subprocess.CompletedProcess:
    return run(args, cwd=installed.cwd, env={**installed.env, **env})


def shipped_files() -> dict[str, Path]:
    """Path inside the wheel -> file of the checkout, for everything the wheel must carry."""
    expected = {}
    for path in (CHECKOUT / "lms").rglob("*"):
        if path.is_file() and not path.name.endswith(NOT_SHIPPED) and "__pycache__" not in path.parts:
            expected[path.relative_to(CHECKOUT).as_posix()] = path
    for name, target in paths.PACKAGED.items():
        for path in (CHECKOUT / name).rglob("*"):
            if path.is_file() and not path.name.endswith(NOT_SHIPPED) and "__pycache__" not in path.parts:
                expected[f"lms/{target}/{path.relative_to(CHECKOUT / name).as_posix()}"] = path
    return expected


def test_wheel_carries_the_code_templates_static_files_migrations_courses_and_data(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(set(shipped_files()) - names)
    assert not missing, f"not in the wheel: {missing[:20]}"
    assert not {n for n in names if n.startswith(("tests/", "tools/", "bench/"))}
    assert "lms/certificates/fontbuild.py" not in names


def test_wheel_carries_catalogues_compiled_from_the_po_files(wheel):
    """.mo files are git-ignored; the build compiles them, so a clean clone's wheel has them."""
    pos = sorted((CHECKOUT / "lms" / "translations").glob("*/LC_MESSAGES/messages.po"))
    assert len(pos) >= 2
    with zipfile.ZipFile(wheel) as archive:
        for po in pos:
            with po.open("rb") as handle:
                source = read_po(handle)
            with archive.open(po.relative_to(CHECKOUT).with_suffix(".mo").as_posix()) as handle:
                compiled = read_mo(handle)
            assert translated_ids(source) == translated_ids(compiled), po


def translated_ids(catalog) -> set:
    """Message ids with a translation (plural ids as tuples)."""
    ids = set()
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.id and all(strings):
            ids.add(message.id if isinstance(message.id, str) else tuple(message.id))
    return ids


def test_installed_wheel_migrates_imports_courses_and_serves_pages_without_the_checkout(installed, tmp_path):
    assert "Running upgrade" in installed.migrated.stderr
    # No PATH: the courses shipped in the wheel (COURSES_DIR's default).
    assert "Imported 4 course(s)" in flask(installed, "courses", "import", "--quiet").stdout
    flask(installed, "courses", "import", write_tiny_course(tmp_path / TINY_COURSE))
    checked = in_installed(installed, installed.python, "-I", CHECK_SCRIPT, LMS_TINY_COURSE=TINY_COURSE)
    assert "installed copy: ok" in checked.stdout
    assert (Path(installed.env["LMS_INSTANCE_PATH"]) / "secret_key").is_file()


def test_gunicorn_serves_the_installed_copy_and_its_stylesheet(installed, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [installed.venv / "bin" / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "lms:create_app()"],
            cwd=installed.cwd, env=installed.env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        home = fetch(f"http://127.0.0.1:{port}/", server, log)
        assert "ICT in Higher Education Learning Platform" in home
        assert "min-width" in fetch(f"http://127.0.0.1:{port}/static/css/site.css", server, log)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_without_a_setting_the_instance_folder_is_flasks_default_under_the_environment(installed):
    env = {k: v for k, v in installed.env.items() if k != "LMS_INSTANCE_PATH"}
    shown = run(
        [installed.python, "-I", "-c", "from lms import create_app; print(create_app().instance_path)"],
        cwd=installed.cwd,
        env=env,
    )
    assert Path(shown.stdout.strip()) == installed.venv / "var" / "lms-instance"
    assert (installed.venv / "var" / "lms-instance" / "secret_key").is_file()


def write_tiny_course(folder: Path) -> Path:
    """A one-lesson course whose certificate needs only one click."""
    module = folder / "01-only"
    module.mkdir(parents=True)
    (folder / "course.toml").write_text(
        f'slug = "{TINY_COURSE}"\ntitle = "A one-lesson course"\nsummary = "For the wheel test."\n'
        'audience = "faculty"\nlanguage = "en"\nhours = 0.5\nversion = "1.0"\n'
        'outcomes = ["Read one lesson."]\n\n[completion]\nrule = "all-lessons"\npass_mark = 70\n',
        encoding="utf-8",
    )
    (module / "module.toml").write_text(
        'title = "The only module"\nsummary = "One lesson."\n', encoding="utf-8"
    )
    (module / "01-only.md").write_text(
        '+++\ntitle = "The only lesson"\nminutes = 5\n+++\n\nRead this and you are done.\n', encoding="utf-8"
    )
    return folder


def fetch(url: str, server: subprocess.Popen, log: Path, wait: float = 30.0) -> str:
    """GET `url` once the server listens; fail with its log if it exits or never answers."""
    deadline = time.monotonic() + wait
    while True:
        try:
            # A worker's first request loads the application: on a busy machine that takes seconds.
            with urllib.request.urlopen(url, timeout=wait) as response:  # noqa: S310 (our own server)
                assert response.status == 200, (url, response.status)
                return response.read().decode("utf-8")
        except (ConnectionError, TimeoutError, urllib.error.URLError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not serve {url}:\n{log.read_text()}") from None
            time.sleep(0.2)
