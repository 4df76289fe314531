"""The dashboard, downloads and CLI: who sees what, bad input, safe CSV, the audit log."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from lms.courses.models import CourseTrainer
from lms.extensions import db as _db
from lms.reports.models import ReportExport
from lms.roles import Role
from tests import factories
from tests.reports.conftest import BASE, add_enrolment

# Every cell key is then 0 or KEY: a count of 1 gets no noise, so it shows as "<5" (see PTABLE).
KEY = 500_000


def populate(db, course, *, institution="Makerere University"):
    for n in range(14):
        learner = factories.make_user(
            gender="woman" if n % 2 else "man", country="UG", institution=institution
        )
        add_enrolment(
            learner,
            course,
            started=BASE,
            completed=BASE if n % 3 else None,
            certificate="valid" if n % 3 else None,
            record_key=KEY,
        )
    learner = factories.make_user(gender="another", country="UG", institution=institution)
    add_enrolment(learner, course, record_key=KEY)
    db.session.commit()


def rows_of(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_admin_sees_exact_figures_labelled_internal(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    page = client.get("/reports/participation").get_data(as_text=True)
    assert "Internal — do not publish." in page
    assert "Another gender identity" in page and "Prefer not to say / not stated" in page
    assert "<svg" in page and 'aria-describedby="chart-headline-desc"' in page
    assert "style=" not in page.split("<main", 1)[1]


def test_admin_can_preview_the_published_figures(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    page = client.get("/reports/participation?published=y").get_data(as_text=True)
    assert "Figures protected for publication." in page and "&lt;5" in page
    assert "cell-key method" in page  # the method is published beside the figures


def test_trainer_sees_only_their_courses_protected(db, course, make_user, login):
    populate(db, course)
    other = factories.make_course("other-course", modules=1, lessons=1)
    populate(db, other)
    trainer = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    client = login(trainer)
    page = client.get("/reports/participation").get_data(as_text=True)
    assert "Figures protected for publication." in page and "Internal" not in page
    assert course.title in page and "Course other-course" not in page
    assert client.get("/reports/participation?course=other-course").status_code == 403
    assert client.get("/reports/participation.csv?course=other-course").status_code == 403


def test_trainer_without_courses_gets_an_explaining_empty_state(make_user, login):
    client = login(make_user(role=Role.TRAINER))
    page = client.get("/reports/participation").get_data(as_text=True)
    assert "You do not teach any course yet" in page


def test_bad_filters_get_clear_messages_not_errors(db, course, make_user, login):
    client = login(make_user(role=Role.ADMIN))
    cases = {
        "?course=nope": "No course has the short name",
        "?country=ZZ": "is not a country code",
        "?enrolled_from=2025-02-01&enrolled_to=2025-01-01": "before its start",
        "?enrolled_from=yesterday": "Not a valid date",
        "?by=shoe-size": "Choose a breakdown",
    }
    for query, message in cases.items():
        response = client.get("/reports/participation" + query)
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query
    assert client.get("/reports/participation.csv?country=ZZ").status_code == 400


def test_empty_result_explains_itself(db, course, make_user, login):
    client = login(make_user(role=Role.ADMIN))
    page = client.get("/reports/participation?country=FR").get_data(as_text=True)
    assert "No enrolment matches these filters" in page


def test_every_breakdown_renders(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    for by in ("course", "country", "institution", "profile_role", "month", "quarter", "year"):
        response = client.get(f"/reports/participation?by={by}")
        assert response.status_code == 200, by
        assert 'id="chart-breakdown"' in response.get_data(as_text=True)


def test_csv_is_tidy_protected_and_neutralises_formulas(db, course, make_user, login):
    populate(db, course, institution='=HYPERLINK("http://evil.example","click")')
    client = login(make_user(role=Role.ADMIN))
    response = client.get("/reports/participation.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = rows_of(response)
    assert list(rows[0]) == ["breakdown", "group_code", "group", "gender", "measure", "value", "note"]
    institutions = [r for r in rows if r["breakdown"] == "institution"]
    assert institutions and all(r["group"].startswith("'=HYPERLINK") for r in institutions)
    another = [
        r
        for r in rows
        if r["breakdown"] == "overall" and r["gender"] == "another" and r["measure"] == "enrolled"
    ]
    assert another[0]["value"] == "<5"
    text = response.get_data(as_text=True)
    assert "@example.org" not in text and "Person " not in text


def test_exact_csv_is_admin_only_post_and_audit_logged(db, course, make_user, login):
    populate(db, course)
    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    response = client.submit("/reports/participation/exact.csv?country=UG")
    assert response.status_code == 200
    rows = rows_of(response)
    another = [
        r
        for r in rows
        if r["breakdown"] == "overall" and r["gender"] == "another" and r["measure"] == "enrolled"
    ]
    assert another[0]["value"] == "1"
    entry = _db.session.execute(select(ReportExport)).scalar_one()
    assert entry.actor_id == admin.id and entry.filters == {"country": "UG"} and entry.channel == "web"


def test_policy_brief_is_a_pdf_with_the_method(db, course, make_user, login):
    populate(db, course)
    client = login(make_user(role=Role.ADMIN))
    response = client.get("/reports/participation/brief.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "cell-key method" in text and "Gender parity index" in text and "Uganda" in text


def test_cli_export_is_protected_by_default(db, course, runner, tmp_path):
    populate(db, course)
    out = tmp_path / "data.csv"
    result = runner.invoke(args=["reports", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "<5" in text


def test_cli_exact_needs_an_admin_and_is_logged(db, course, runner, tmp_path, make_user):
    populate(db, course)
    learner = make_user()
    admin = make_user(role=Role.ADMIN)
    out = tmp_path / "exact.csv"
    refused = runner.invoke(args=["reports", "export", "--out", str(out), "--unsuppressed"])
    assert refused.exit_code != 0 and "--as" in refused.output
    refused = runner.invoke(
        args=["reports", "export", "--out", str(out), "--unsuppressed", "--as", learner.email]
    )
    assert refused.exit_code != 0 and "administrator" in refused.output
    done = runner.invoke(
        args=[
            "reports",
            "export",
            "--out",
            str(out),
            "--unsuppressed",
            "--as",
            admin.email,
            "--country",
            "UG",
        ]
    )
    assert done.exit_code == 0, done.output
    _db.session.expire_all()
    entry = _db.session.execute(select(ReportExport)).scalar_one()
    assert entry.actor_email == admin.email and entry.channel == "cli" and entry.filters == {"country": "UG"}


def test_cli_rejects_bad_filters(runner, tmp_path, app):
    result = runner.invoke(args=["reports", "export", "--out", str(tmp_path / "x.csv"), "--country", "ZZ"])
    assert result.exit_code != 0 and "country" in result.output


def test_dashboard_statements_do_not_grow_with_learners(db, course, make_user, login, count_queries):
    client = login(make_user(role=Role.ADMIN))
    populate(db, course)
    with count_queries() as few:
        client.get("/reports/participation?by=country")
    populate(db, course, institution="Kyambogo University")
    populate(db, course, institution="Gulu University")
    with count_queries() as many:
        client.get("/reports/participation?by=country")
    assert many.count == few.count


def test_charts_are_accessible_svg_without_style(db, course, make_user, login):
    populate(db, course)
    page = login(make_user(role=Role.ADMIN)).get("/reports/participation").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<pattern" in svg and "style" not in svg
    assert "Women" in svg and "%" in svg  # bars are labelled, not colour alone


def test_threshold_is_configurable_and_checked(make_app):
    import pytest

    from lms.config import ConfigurationError

    assert make_app(REPORTS_SUPPRESSION_THRESHOLD="10").config["REPORTS_SUPPRESSION_THRESHOLD"] == 10
    with pytest.raises(ConfigurationError):
        make_app(REPORTS_SUPPRESSION_THRESHOLD=2)


def _aggregations(statements) -> int:
    return sum(1 for s in statements if "GROUP BY" in s and "enrolment" in s)


def test_one_aggregation_per_page_view_for_trainers_and_admins_alike(
    db, course, make_user, login, count_queries
):
    """A trainer's page once ran ten aggregations (every published breakdown, for the joint
    suppression); with perturbation a figure needs nothing from other tables."""
    populate(db, course)
    trainer = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    counted = {}
    for who in (trainer, make_user(role=Role.ADMIN)):
        client = login(who)
        with count_queries() as counter:
            assert client.get("/reports/participation?by=country").status_code == 200
        counted[who.role] = (counter.count, _aggregations(counter.statements))
    # One counts-and-keys GROUP BY and one day histogram; the same number of statements.
    assert counted[Role.TRAINER][1] == counted[Role.ADMIN][1] == 2
    assert counted[Role.TRAINER][0] <= counted[Role.ADMIN][0] + 1  # the trainer's course list


def test_the_streamed_csv_is_the_report_computed_at_once(db, course, app):
    from lms.reports.breakdowns import PUBLISHED
    from lms.reports.exports import csv_rows, csv_stream
    from lms.reports.measures import build_report
    from lms.reports.queries import ReportFilter

    populate(db, course)
    with app.test_request_context():
        whole = list(csv_rows(build_report(ReportFilter(), PUBLISHED, threshold=5, protected=True)))
        streamed = list(csv_stream(ReportFilter(), PUBLISHED, threshold=5, protected=True))
    assert streamed == whole and len({row[0] for row in streamed}) == len(PUBLISHED) + 1
