"""`flask reports export --queued`: the same file as inline, made by a job its owner may see,
with the owner's own scope; refused without an owner who may have it."""

from __future__ import annotations

from sqlalchemy import select

from lms.courses.models import CourseTrainer
from lms.extensions import db as _db
from lms.jobs.models import Job, JobState
from lms.reports.models import ReportExport
from lms.roles import Role
from tests import factories
from tests.reports.test_views import populate


def export(runner, out, *options):
    return runner.invoke(args=["reports", "export", "--out", str(out), *options])


def test_a_queued_export_is_the_inline_file_made_by_a_job_of_its_owner(db, course, runner, tmp_path):
    populate(db, course)
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    inline, queued = tmp_path / "inline.csv", tmp_path / "queued.csv"
    assert export(runner, inline, "--country", "UG").exit_code == 0
    result = export(runner, queued, "--country", "UG", "--queued", "--as", admin.email)
    assert result.exit_code == 0, result.output
    assert "Queued as job" in result.output and "/jobs/" in result.output
    assert queued.read_bytes() == inline.read_bytes()
    assert not list(tmp_path.glob("*.part"))
    _db.session.expire_all()
    job = _db.session.execute(select(Job)).scalar_one()
    assert (job.kind, job.owner_id, job.state) == ("report-csv", admin.id, JobState.SUCCEEDED)
    assert job.done == job.total  # progress counted in breakdowns


def test_a_trainers_queued_export_holds_only_their_courses(db, course, runner, tmp_path):
    populate(db, course)
    other = factories.make_course("other-course")
    trainer = factories.make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=other.id, user_id=trainer.id))
    db.session.commit()
    out = tmp_path / "mine.csv"
    assert export(runner, out, "--queued", "--as", trainer.email).exit_code == 0
    assert course.title not in out.read_text(encoding="utf-8")
    refused = export(runner, tmp_path / "x.csv", "--queued", "--as", trainer.email, "--course", course.slug)
    assert refused.exit_code != 0 and "course" in refused.output
    assert not (tmp_path / "x.csv").exists()


def test_an_exact_queued_export_is_audit_logged_and_only_for_administrators(db, course, runner, tmp_path):
    populate(db, course)
    admin, trainer = factories.make_user(role=Role.ADMIN), factories.make_user(role=Role.TRAINER)
    db.session.commit()
    refused = export(runner, tmp_path / "no.csv", "--exact", "--queued", "--as", trainer.email)
    assert refused.exit_code != 0 and "administrator" in refused.output
    out, inline = tmp_path / "exact.csv", tmp_path / "inline-exact.csv"
    assert export(runner, out, "--exact", "--queued", "--as", admin.email).exit_code == 0
    assert export(runner, inline, "--exact", "--as", admin.email).exit_code == 0
    assert out.read_bytes() == inline.read_bytes()
    _db.session.expire_all()
    assert [e.channel for e in _db.session.execute(select(ReportExport)).scalars()] == ["cli", "cli"]
    assert _db.session.execute(select(Job.kind)).scalar_one() == "report-exact-csv"


def test_queued_needs_an_active_owner(db, course, runner, tmp_path):
    learner = factories.make_user()
    gone = factories.make_user(role=Role.ADMIN, active=False)
    db.session.commit()
    for options in ([], ["--as", learner.email], ["--as", gone.email], ["--as", "nobody@example.org\x00"]):
        result = export(runner, tmp_path / "x.csv", "--queued", *options)
        assert result.exit_code != 0 and "--as" in result.output, (options, result.output)
    assert _db.session.execute(select(Job)).first() is None
    assert export(runner, tmp_path / "x.csv", "--as", learner.email).exit_code != 0  # --as alone
