"""Backups: create -> restore into a fresh place -> create again gives the same rows and files,
on the suite's database (SQLite, or PostgreSQL when DATABASE_URL is set); bad archives and
non-empty targets are refused with the reason and change nothing."""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, func, inspect, select
from sqlalchemy.engine import make_url

from lms import create_app
from lms.audit.models import AuditEntry
from lms.backup import databases
from lms.backup.manifest import BackupRefused
from lms.extensions import db, limiter
from tests import factories
from tests.certificates.conftest import complete_course
from tests.conftest import database_url, make_config

# The smallest PNG: a real image for the media folder.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Places:
    """Fresh databases and instance folders for the module; dropped at its end."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.base = make_url(database_url(tmp_path_factory))
        self.made_databases: list[str] = []
        self.apps = []

    def database(self) -> str:
        if self.base.get_backend_name() == "sqlite":
            return f"sqlite:///{self.tmp.mktemp('backup-db') / 'lms.sqlite3'}"
        name = f"{self.base.database}_backup_{uuid.uuid4().hex[:8]}"
        with self._server() as server:
            server.execute(f'CREATE DATABASE "{name}"')
        self.made_databases.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _server(self):
        url = self.base.set(drivername="postgresql", database="postgres")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def app(self):
        instance = self.tmp.mktemp("backup-instance")
        config = make_config(
            self.tmp,
            SQLALCHEMY_DATABASE_URI=self.database(),
            OUTBOX_DIR=str(instance / "outbox"),
            MEDIA_DIR=str(instance / "media"),
            EXPORTS_DIR=str(instance / "exports"),
            CERTIFICATE_KEY_PATH=str(instance / "certificate-signing-key.pem"),
        )
        application = create_app(config, instance_path=str(instance))
        self.apps.append(application)
        return application

    def close(self):
        for application in self.apps:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.made_databases:
            with self._server() as server:
                for name in self.made_databases:
                    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    made = Places(tmp_path_factory)
    enabled = limiter.enabled
    yield made
    made.close()
    limiter.enabled = enabled


def cli(application, *args):
    return application.test_cli_runner().invoke(args=list(args))


@pytest.fixture(scope="module")
def source(places):
    """An installation with a migrated schema, people, a certificate, audit entries, an image,
    an export, a mail in the outbox and a config.py; and archive 1 of it."""
    application = places.app()
    instance = Path(application.instance_path)
    with application.app_context():
        upgrade()
        course = factories.make_course("backed-up", modules=1, lessons=2, quiz=False)
        learner = factories.make_user(full_name="Thandiwe Moyo")
        complete_course(learner, course)
        from lms import audit

        audit.record(audit.Action.SIGN_IN, subject=learner, actor=learner)
        db.session.commit()
    (instance / "media").mkdir(exist_ok=True)
    (instance / "media" / "a1b2.png").write_bytes(PNG)
    (instance / "exports").mkdir(exist_ok=True)
    (instance / "exports" / "report.csv").write_text("a,b\r\n1,2\r\n")
    (instance / "outbox").mkdir(exist_ok=True)
    (instance / "outbox" / "mail.eml").write_text("Subject: hello\n\nbody\n")
    (instance / "config.py").write_text("SITE_NAME = 'Backed-up site'\n")
    archive = places.tmp.mktemp("archives") / "one.tar.gz"
    result = cli(application, "backup", "create", str(archive))
    assert result.exit_code == 0, result.output
    return application, archive


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as opened:
        return json.loads(opened.extractfile("manifest.json").read())


def rows(application) -> dict[str, list]:
    """Every table's rows in primary-key order, but the entries that backups themselves add."""
    with application.app_context(), db.engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        found = {}
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            query = select(table).order_by(*order)
            if name == "audit_entry":
                query = query.where(table.c.action.notin_(["backup-created", "backup-restored"]))
            found[name] = [tuple(row) for row in connection.execute(query)]
        return found


def files_of(manifest: dict) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in manifest["files"] if not e["path"].startswith("database/")}


def test_create_restore_create_gives_the_same_rows_and_files(places, source):
    original, first = source
    target = places.app()
    restored = cli(target, "backup", "restore", str(first))
    assert restored.exit_code == 0, restored.output
    second = places.tmp.mktemp("archives") / "two.tar.gz"
    assert cli(target, "backup", "create", str(second)).exit_code == 0

    assert rows(target) == rows(original)
    one, two = manifest_of(first), manifest_of(second)
    assert files_of(one) == files_of(two)
    assert {"instance/outbox/mail.eml", "media/a1b2.png", "exports/report.csv", "instance/config.py"} <= set(
        files_of(one)
    )
    assert any(path.startswith("keys/") for path in files_of(one))
    assert one["database"]["revision"] == two["database"]["revision"] is not None
    counts_one, counts_two = one["database"]["tables"], two["database"]["tables"]
    assert counts_two.pop("audit_entry") == counts_one.pop("audit_entry") + 1  # the restore's entry
    assert counts_one == counts_two and counts_one["certificate"] == 1
    with target.app_context():
        # The restore is in the restored log; new rows get new ids (sequences came back too).
        actions = db.session.execute(select(AuditEntry.action)).scalars().all()
        assert actions.count("backup-restored") == 1
        factories.make_user(email="after-restore@example.org")
        db.session.commit()
    # The restored installation verifies the certificate with the original key.
    key = Path(target.config["CERTIFICATE_KEY_PATH"]).read_bytes()
    assert key == Path(original.config["CERTIFICATE_KEY_PATH"]).read_bytes()
    assert oct(Path(target.config["CERTIFICATE_KEY_PATH"]).stat().st_mode & 0o777) == "0o600"


def test_verify_says_what_the_archive_holds(source):
    application, archive = source
    result = cli(application, "backup", "verify", str(archive))
    assert result.exit_code == 0 and "match their checksums" in result.output


def test_a_target_config_py_is_kept(places, source):
    _original, archive = source
    target = places.app()
    (Path(target.instance_path) / "config.py").write_text("SITE_NAME = 'Mine'\n")
    result = cli(target, "backup", "restore", str(archive))
    assert result.exit_code == 0 and "Kept this installation's" in result.output
    assert (Path(target.instance_path) / "config.py").read_text() == "SITE_NAME = 'Mine'\n"


# --- refusals ------------------------------------------------------------------------------


def rewrite(archive: Path, out: Path, *, manifest=None, contents=None, extra=None) -> Path:
    """A copy of `archive` with the manifest or some members changed (as an attacker would)."""
    with tarfile.open(archive, "r:gz") as opened:
        members = [(m, opened.extractfile(m).read()) for m in opened.getmembers()]
    with tarfile.open(out, "w:gz") as written:
        for member, data in members:
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif contents and member.name in contents:
                data = contents[member.name](data)
            member.size = len(data)
            written.addfile(member, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            written.addfile(info, io.BytesIO(data))
    return out


def flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def newer_schema(manifest):
    manifest["database"]["revision"] = "ffffffffffff"
    return manifest


def newer_format(manifest):
    manifest["version"] = 99
    return manifest


def other_database(manifest):
    manifest["database"]["dialect"] = "oracle"
    return manifest


def escaping(manifest):
    manifest["files"].append({"path": "../../etc/cron.d/evil", "size": 1, "sha256": "0" * 64})
    return manifest


BAD = {
    "truncated": (
        lambda a, out: out.write_bytes(a.read_bytes()[: a.stat().st_size // 2]) and out,
        "truncated",
    ),
    "not a backup": (lambda a, out: out.write_bytes(os.urandom(4096)) and out, "not a backup"),
    "tampered file": (
        lambda a, out: rewrite(a, out, contents={"instance/outbox/mail.eml": flip_last_byte}),
        "does not match its SHA-256 checksum",
    ),
    "grown file": (
        lambda a, out: rewrite(a, out, contents={"media/a1b2.png": lambda d: d + b"x"}),
        "truncated or was altered",
    ),
    "extra file": (lambda a, out: rewrite(a, out, extra={"instance/evil.py": b"x"}), "does not list"),
    "newer schema": (lambda a, out: rewrite(a, out, manifest=newer_schema), "from a newer version"),
    "newer format": (lambda a, out: rewrite(a, out, manifest=newer_format), "format 99"),
    "other database": (lambda a, out: rewrite(a, out, manifest=other_database), "oracle database"),
    "path outside": (lambda a, out: rewrite(a, out, manifest=escaping), "outside the backup's folders"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_archive_is_refused_with_the_reason_and_nothing_changes(places, source, case):
    application, archive = source
    make, reason = BAD[case]
    bad = make(archive, places.tmp.mktemp("bad") / "bad.tar.gz")
    verified = cli(application, "backup", "verify", str(bad))
    assert verified.exit_code == 1 and reason in verified.output
    target = places.app()
    before = sorted(p.name for p in Path(target.instance_path).rglob("*"))
    restored = cli(target, "backup", "restore", str(bad))
    assert restored.exit_code == 1 and reason in restored.output
    with target.app_context():
        assert databases_empty()
    assert sorted(p.name for p in Path(target.instance_path).rglob("*")) == before


def databases_empty() -> bool:
    return not inspect(db.engine).get_table_names()


def test_a_database_that_is_not_empty_is_refused_unless_forced(places, source):
    original, archive = source
    with original.app_context():
        before = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    refused = cli(original, "backup", "restore", str(archive))
    assert refused.exit_code == 1 and "The database is not empty" in refused.output
    assert "The media folder" in refused.output
    with original.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before
    (Path(original.config["MEDIA_DIR"]) / "later.png").write_bytes(PNG)
    forced = cli(original, "backup", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert not (Path(original.config["MEDIA_DIR"]) / "later.png").exists()  # exactly the backup's files
    with original.app_context():
        actions = db.session.execute(select(AuditEntry.action)).scalars().all()
        assert "backup-restored" in actions


def test_postgresql_tools_older_than_the_server_are_refused(places, source, tmp_path):
    application, _archive = source
    with application.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL: the client tools are PostgreSQL's")
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o700)
    application.config["BACKUP_PG_DUMP"] = str(old)
    try:
        with application.app_context(), pytest.raises(BackupRefused) as refused:
            databases.current().check_tool("pg_dump")
    finally:
        application.config["BACKUP_PG_DUMP"] = "pg_dump"
    assert "older than the PostgreSQL server" in str(refused.value)


def test_a_backup_taken_while_the_site_writes_is_consistent(places):
    """A writer adds a person and their enrolment in one transaction, again and again, while the
    backup runs: the restored copy holds whole transactions only (each writer's person with
    their enrolment) and every row it points to."""
    import threading

    from lms.accounts.models import User
    from lms.enrolment.models import Enrolment

    application = places.app()
    with application.app_context():
        upgrade()
        factories.make_course("busy", modules=1, lessons=1, quiz=False)
        db.session.commit()
    stop, written, failures = threading.Event(), [], []

    def write():
        from lms.courses.queries import course_by_slug

        with application.app_context():
            course = course_by_slug("busy")
            try:
                while not stop.is_set():
                    factories.enrol(factories.make_user(institution="Writer"), course)
                    db.session.commit()
                    written.append(1)
            except Exception as error:  # noqa: BLE001  (reported below)
                failures.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            stop.wait(0.05)
        archive = places.tmp.mktemp("busy") / "busy.tar.gz"
        result = cli(application, "backup", "create", str(archive))
    finally:
        stop.set()
        writer.join(30)
    assert result.exit_code == 0, result.output
    assert not failures
    target = places.app()
    assert cli(target, "backup", "restore", str(archive)).exit_code == 0
    with target.app_context():
        people = db.session.execute(
            select(func.count()).select_from(User).where(User.institution == "Writer")
        ).scalar_one()
        enrolments = db.session.execute(
            select(func.count()).select_from(Enrolment).join(User).where(User.institution == "Writer")
        ).scalar_one()
        orphans = db.session.execute(
            select(func.count()).select_from(Enrolment).outerjoin(User).where(User.id.is_(None))
        ).scalar_one()
    assert people == enrolments >= 5 and orphans == 0
    assert people == manifest_of(archive)["database"]["tables"]["enrolment"]
