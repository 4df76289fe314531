"""The migration that gave existing certificates their status bit and identity hash, run on a
database that already holds certificates (the schema check in test_platform starts empty).

It runs on a SQLite file of its own in either suite: the migration's SQL is the same on both."""

from __future__ import annotations

import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms import create_app
from lms.extensions import db
from tests.conftest import make_config

REVISION = "a7c3e1f2b9d4"  # certificate status index and identity hash


def revision_before(app) -> str:
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(REVISION).down_revision


ROWS = [
    """INSERT INTO "user" (id, email, full_name, password_hash, role, active, gender, institution,
       profile_role, session_token, created_at, awaiting_confirmation) VALUES
       (1, 'Amina.Diallo@Example.org', 'Amina Diallo', 'x', 'learner', 1, 'unstated', '', 'other', 't1',
        '2026-01-01', 0),
       (2, 'withdrawn-2@withdrawn.invalid', '', 'x', 'learner', 1, 'unstated', '', 'other', 't2',
        '2026-01-01', 0)""",
    """INSERT INTO course (id, slug, title, summary, audience, language, hours, version, outcomes,
       completion_rule, pass_mark, published, created_at, updated_at) VALUES
       (1, 'c', 'C', '', 'faculty', 'en', 6.0, '1.0', '[]', 'all-lessons', 70, 1, '2026-01-01', '2026-01-01')""",
    """INSERT INTO certificate (id, code, user_id, course_id, status, holder_name, course_title,
       course_version, hours, language, completed_at, issued_at, issuer_name, signatory) VALUES
       (1, 'AAAA', 1, 1, 'valid', 'Amina Diallo', 'C', '1.0', 6.0, 'en', '2026-01-01', '2026-01-01', 'X', ''),
       (2, 'BBBB', 2, 1, 'revoked', '', 'C', '1.0', 6.0, 'en', '2026-01-01', '2026-01-01', 'X', '')""",
]


def test_existing_certificates_get_a_unique_status_index_and_their_identity_hash(tmp_path_factory):
    config = make_config(tmp_path_factory)
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path_factory.mktemp('migration') / 'm.sqlite3'}"
    app = create_app(config)
    with app.app_context():
        before = revision_before(app)
        upgrade(revision=before)
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        upgrade(revision=REVISION)
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, status_index, identity_salt, identity_hash FROM certificate ORDER BY id")
            ).all()
        downgrade(revision=before)  # and back, leaving the certificates as they were
        with db.engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM certificate")).scalar_one()
        db.engine.dispose()
    (_, first_index, salt, digest), (_, second_index, no_salt, no_digest) = rows
    assert first_index != second_index and 0 <= first_index < 131_072 and 0 <= second_index < 131_072
    assert digest == "sha256$" + hashlib.sha256(("amina.diallo@example.org" + salt).encode()).hexdigest()
    assert (no_salt, no_digest) == ("", "")  # the holder withdrew their personal data
    assert count == 2
