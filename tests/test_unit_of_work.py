"""One unit of work per request, CLI command and job (lms/unit_of_work.py): everything or nothing.

Most tests give a throwaway application a route that writes the way a service does (flush
only) and then answers in one way or another; whether the row was committed is read through a
connection of its own, as another worker would see it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Response, stream_with_context
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from lms.accounts.models import User
from lms.errors import DomainError
from lms.extensions import db
from lms.unit_of_work import after_commit, after_end, discard, transactional, unit_of_work
from tests import factories


def committed_emails(app) -> set[str]:
    """What another connection sees: only committed rows."""
    with app.app_context(), db.engine.connect() as connection:
        return set(connection.execute(select(User.email)).scalars())


@pytest.fixture
def site(make_app):
    """An application whose test routes need no CSRF token."""
    application = make_app()
    application.config["WTF_CSRF_ENABLED"] = False
    return application


def test_a_response_below_400_commits_what_the_view_flushed(site):
    @site.post("/write")
    def write():
        factories.make_user(email="kept@example.org")
        return "written"

    assert site.test_client().post("/write").status_code == 200
    assert "kept@example.org" in committed_emails(site)


def test_a_redirect_commits_too(site):
    @site.post("/write")
    def write():
        factories.make_user(email="redirected@example.org")
        return Response(status=303, headers={"Location": "/"})

    assert site.test_client().post("/write").status_code == 303
    assert "redirected@example.org" in committed_emails(site)


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_a_4xx_response_rolls_back_what_the_view_flushed(site, status):
    @site.post("/write")
    def write():
        factories.make_user(email="refused@example.org")
        return "refused", status

    assert site.test_client().post("/write").status_code == status
    assert "refused@example.org" not in committed_emails(site)


def test_a_failure_after_the_flush_leaves_nothing_written(site):
    @site.post("/write")
    def write():
        factories.make_user(email="half@example.org")
        raise RuntimeError("the view breaks after the service flushed")

    response = site.test_client().post("/write")
    assert response.status_code == 500
    assert "half@example.org" not in committed_emails(site)


def test_a_domain_error_that_reaches_the_handler_is_its_page_and_keeps_nothing(site):
    class Refusal(DomainError):
        status = 409

    @site.post("/write")
    def write():
        factories.make_user(email="collided@example.org")
        raise Refusal("Someone took this seat a moment ago.")

    response = site.test_client().post("/write")
    assert response.status_code == 409
    assert "Someone took this seat a moment ago." in response.get_data(as_text=True)
    assert "collided@example.org" not in committed_emails(site)


def test_after_commit_work_runs_once_the_change_is_committed(site):
    seen = []

    @site.post("/write")
    def write():
        factories.make_user(email="announced@example.org")
        after_commit(lambda: seen.append("announced@example.org" in committed_emails(site)))
        assert seen == []  # not yet: nothing is committed while the view runs
        return "written"

    assert site.test_client().post("/write").status_code == 200
    assert seen == [True]


@pytest.mark.parametrize("outcome", ["400", "exception", "discarded"])
def test_after_commit_work_is_dropped_with_the_changes(site, outcome):
    seen = []

    @site.post("/write")
    def write():
        factories.make_user(email="dropped@example.org")
        after_commit(seen.append, "mail")
        if outcome == "400":
            return "refused", 400
        if outcome == "exception":
            raise RuntimeError("broken")
        discard()  # a refusal shown on a form: the request goes on, without its changes
        return "form shown again"

    site.test_client().post("/write")
    assert seen == []
    assert "dropped@example.org" not in committed_emails(site)


@pytest.mark.parametrize("status", [200, 400])
def test_after_end_work_is_committed_whether_the_unit_kept_its_changes_or_not(site, status):
    @site.post("/write")
    def write():
        factories.make_user(email="attempt@example.org")
        after_end(factories.make_user, email="record-of-the-attempt@example.org")
        discard()  # even a discarded unit keeps its after-end work
        factories.make_user(email="attempt@example.org")
        return "done", status

    assert site.test_client().post("/write").status_code == status
    emails = committed_emails(site)
    assert "record-of-the-attempt@example.org" in emails
    assert ("attempt@example.org" in emails) is (status == 200)


def test_after_end_work_is_dropped_when_the_unit_raised(site):
    @site.post("/write")
    def write():
        after_end(factories.make_user, email="never@example.org")
        raise RuntimeError("broken")

    assert site.test_client().post("/write").status_code == 500
    assert "never@example.org" not in committed_emails(site)


def test_a_lost_race_at_commit_is_a_409_page_with_the_usual_headers(site, make_user):
    taken = make_user()

    @site.post("/write")
    def write():
        db.session.add(User(email=taken.email, full_name="Second", password_hash=""))  # flushed at commit
        after_commit(pytest.fail, "after-commit work ran although the commit failed")
        return "unreachable"

    response = site.test_client().post("/write")
    assert response.status_code == 409
    assert "at the same moment" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert committed_emails(site) == {taken.email}


def test_a_serialisation_failure_is_a_409_not_a_500(site):
    @site.post("/write")
    def write():
        factories.make_user(email="serialised@example.org")
        if db.engine.dialect.name == "postgresql":  # the real error, raised by the server
            db.session.execute(
                text("DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = 'serialization_failure'; END $$")
            )

        class SerializationFailure(Exception):  # SQLite has none: psycopg's shape
            sqlstate = "40001"

        raise OperationalError("COMMIT", {}, SerializationFailure("could not serialize access"))

    response = site.test_client().post("/write")
    assert response.status_code == 409
    assert "serialised@example.org" not in committed_emails(site)


def test_a_streamed_body_is_sent_after_the_commit(site):
    @site.post("/write")
    def write():
        factories.make_user(email="streamed@example.org")

        def body():
            yield "committed: "
            yield str("streamed@example.org" in committed_emails(site))

        return Response(stream_with_context(body()), mimetype="text/plain")

    assert site.test_client().post("/write").get_data(as_text=True) == "committed: True"


def test_a_page_that_only_reads_keeps_what_it_loaded_while_its_body_streams(site, make_user):
    """No commit, no rollback at the end of a reading page: a streamed body that uses objects
    the view loaded does not reload each of them."""
    users = [make_user() for _ in range(3)]
    ids, emails = [user.id for user in users], sorted(user.email for user in users)
    statements = []
    with site.app_context():
        engine = db.engine

    @site.get("/read")
    def read():
        people = list(db.session.execute(select(User).where(User.id.in_(ids))).scalars())
        return Response(stream_with_context(person.email + "\n" for person in people))

    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    body = site.test_client().get("/read").get_data(as_text=True)
    assert sorted(body.split()) == emails
    assert len(statements) == 1, "\n".join(statements)


def test_a_unit_inside_a_unit_joins_it(site):
    with site.app_context():
        with unit_of_work():
            with unit_of_work():
                factories.make_user(email="inner@example.org")
            assert "inner@example.org" not in committed_emails(site)
        assert "inner@example.org" in committed_emails(site)


def test_a_transactional_function_commits_on_return_and_rolls_back_on_error(site):
    @transactional
    def job(email: str, fail: bool) -> None:
        factories.make_user(email=email)
        if fail:
            raise RuntimeError("the job breaks after the service flushed")

    with site.app_context():
        job("done@example.org", fail=False)
        with pytest.raises(RuntimeError):
            job("failed@example.org", fail=True)
    assert {"done@example.org", "failed@example.org"} & committed_emails(site) == {"done@example.org"}


def test_after_commit_outside_a_unit_of_work_is_refused(app_context):
    with pytest.raises(RuntimeError, match="needs a unit of work"):
        after_commit(print, "never")


def test_after_commit_work_may_not_change_the_database(site):
    with site.app_context():
        with pytest.raises(RuntimeError, match="after-commit callback changed the database"), unit_of_work():
            factories.make_user(email="first@example.org")
            after_commit(lambda: db.session.add(User(email="late@example.org", full_name="Late")))
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 1
    assert committed_emails(site) == {"first@example.org"}


def test_a_real_view_failing_after_its_service_flushed_leaves_nothing_written(
    client, login, db, course, make_user, monkeypatch
):
    """The enrolment is flushed by the service; the view then breaks before it answers."""
    from lms.enrolment import views
    from lms.enrolment.models import Enrolment

    person = make_user()
    login(person)

    def broken_flash(*args, **kwargs):
        raise RuntimeError("the view breaks after the service flushed")

    monkeypatch.setattr(views, "flash", broken_flash)
    response = client.submit("/courses/ict-basics/enrol")
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Enrolment)).scalar_one() == 0


def test_a_cli_command_failing_after_its_service_flushed_leaves_nothing_written(app, runner, monkeypatch):
    """`users create` has flushed the account when it reports; the report fails (a closed
    terminal): the command's unit of work rolls the account back."""
    import click

    def closed_terminal(*args, **kwargs):
        raise OSError("the terminal went away")

    monkeypatch.setattr(click, "echo", closed_terminal)
    args = [
        "users",
        "create",
        "--email",
        "cli@example.org",
        "--name",
        "Ana Silva",
        "--password",
        "orchid mountain relay 9",
    ]
    result = runner.invoke(args=args)
    assert isinstance(result.exception, OSError) and result.exit_code == 1
    assert "cli@example.org" not in committed_emails(app)
    monkeypatch.undo()
    assert runner.invoke(args=args).exit_code == 0
    assert "cli@example.org" in committed_emails(app)


LMS = Path(__file__).resolve().parents[1] / "lms"
THE_ONE_PLACE = LMS / "unit_of_work.py"


def commit_calls(path: Path) -> list[str]:
    """Every `<something>.commit()` call in a module (any receiver: a session, a connection)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(LMS.parent)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


def test_nothing_in_the_source_commits_but_the_unit_of_work():
    modules = sorted(LMS.rglob("*.py"))
    assert THE_ONE_PLACE in modules and len(modules) > 50
    assert commit_calls(THE_ONE_PLACE), "the scan would not see a commit"
    found = [call for path in modules if path != THE_ONE_PLACE for call in commit_calls(path)]
    assert found == [], "commit where the unit of work should: " + ", ".join(found)


def test_a_commit_inside_a_request_is_refused_and_keeps_nothing(site):
    @site.post("/write")
    def write():
        factories.make_user(email="sneaky@example.org")
        db.session.commit()
        return "committed behind the unit's back"

    assert site.test_client().post("/write").status_code == 500
    assert "sneaky@example.org" not in committed_emails(site)


def test_a_savepoint_inside_a_unit_is_allowed(site):
    with site.app_context(), unit_of_work(), db.session.begin_nested():
        factories.make_user(email="savepoint@example.org")
    assert "savepoint@example.org" in committed_emails(site)
