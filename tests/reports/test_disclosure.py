"""The perturbation table and its use: zero stays zero, noise is bounded and unbiased, the same
enrolments show the same figure in every output, and a difference of two filters is noise."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

import pytest

from lms.reports.disclosure import PTABLE, PerturbationTable, perturb, reading
from lms.reports.measures import ALL, build_report
from lms.reports.queries import ReportFilter
from lms.roles import Role
from tests import factories
from tests.reports.conftest import BASE, add_enrolment


def test_zero_stays_zero_whatever_the_key():
    assert {perturb(0, key) for key in range(0, PTABLE.modulus, 997)} == {0}


@pytest.mark.parametrize("count", [1, 2, 3, 7, 250])
def test_noise_is_bounded_unbiased_and_never_negative(count):
    noises = PTABLE.noises(count)
    assert max(abs(n) for n in noises) <= 2 and all(count + n >= 0 for n in noises)
    assert sum(n * PTABLE.probability(count, n) for n in noises) == pytest.approx(0)
    assert sum(PTABLE.probability(count, n) for n in noises) == pytest.approx(1)


def test_cell_keys_spread_over_the_table_as_its_probabilities_say():
    rng = random.Random(3)
    seen = [PTABLE.noise(10, rng.randrange(PTABLE.modulus)) for _ in range(20_000)]
    for noise in (-2, -1, 0, 1, 2):
        assert seen.count(noise) / len(seen) == pytest.approx(PTABLE.probability(10, noise), abs=0.01)


def test_what_a_reader_can_infer_from_a_figure():
    assert reading(None, 5) == (0, 6)  # "<5": a perturbed 0 to 4
    assert reading(5, 5) == (3, 7)
    assert reading(9, 5) == (7, 11)


def test_a_table_that_could_unzero_or_go_negative_is_refused():
    with pytest.raises(ValueError, match="zero"):
        PerturbationTable(10, (((1, 10),), ((0, 10),)))
    with pytest.raises(ValueError, match="negative"):
        PerturbationTable(10, (((0, 10),), ((-2, 10),)))
    with pytest.raises(ValueError, match="add up"):
        PerturbationTable(10, (((0, 10),), ((0, 9),)))


def seed(db, course, n=60):
    rng = random.Random(5)
    for k in range(n):
        user = factories.make_user(
            gender=rng.choice(["woman", "man", "another", "unstated"]), country=rng.choice(["KE", "UG"])
        )
        enrolled = BASE + timedelta(days=k * 5)
        add_enrolment(user, course, enrolled=enrolled, started=enrolled if k % 2 else None)
    db.session.commit()


def test_the_same_enrolments_show_the_same_figure_in_every_table_and_filter(db, course):
    seed(db, course)
    everything = build_report(ReportFilter(), ("course", "country", "year"), threshold=5, protected=True)
    kenya = build_report(ReportFilter(country="KE"), ("course",), threshold=5, protected=True)
    kenya_row = next(g for g in everything.breakdowns["country"].groups if g.key == ("KE",))
    one_course = everything.breakdowns["course"].groups[0]
    for gender in ("woman", "man", "another", "unstated", ALL):
        for measure in ("enrolled", "started", "completion_rate"):
            assert kenya.figure(measure, kenya.overall, gender) == everything.figure(
                measure, kenya_row, gender
            )
            assert everything.figure(measure, one_course, gender) == everything.figure(
                measure, everything.overall, gender
            )


def test_dashboard_csv_brief_and_cli_publish_the_same_figures(db, course, make_user, login, runner, tmp_path):
    from pypdf import PdfReader

    seed(db, course)
    trainer = make_user(role=Role.TRAINER)
    from lms.courses.models import CourseTrainer

    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    expected = build_report(ReportFilter(course_ids=(course.id,)), ("country",), threshold=5, protected=True)
    women = expected.count("enrolled", expected.overall, "woman").text
    client = login(trainer)
    page = client.get("/reports/participation?by=country").get_data(as_text=True)
    assert f'<td class="num">{women}</td>' in page.replace("&lt;", "<")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/reports/participation.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    wanted = [
        r for r in rows if (r["breakdown"], r["gender"], r["measure"]) == ("overall", "woman", "enrolled")
    ]
    assert wanted[0]["value"] == women.replace("\u202f", "")
    brief = client.get("/reports/participation/brief.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(brief)).pages)
    assert women in text
    out = tmp_path / "out.csv"
    assert runner.invoke(args=["reports", "export", "--out", str(out)]).exit_code == 0
    cli_rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8").lstrip("\ufeff"))))
    assert [
        r["value"]
        for r in cli_rows
        if (r["breakdown"], r["gender"], r["measure"]) == ("overall", "woman", "enrolled")
    ] == [wanted[0]["value"]]


def test_two_date_filters_a_day_apart_differ_by_noise_not_by_the_person(db, course):
    """One enrolment on the last day: the two totals are perturbed independently, so their
    difference is 1 plus the difference of two noises, and over many populations it takes
    several values (a reader cannot tell 0, 1 or 2 people apart)."""
    from lms.enrolment.models import Enrolment

    differences = set()
    first_day, day_before, last_day = BASE.date(), date(2024, 1, 29), date(2024, 1, 30)
    for _trial in range(12):
        for k in range(30):
            add_enrolment(factories.make_user(gender="woman"), course, enrolled=BASE + timedelta(days=k % 10))
        add_enrolment(factories.make_user(gender="woman"), course, enrolled=BASE + timedelta(days=20))
        db.session.commit()
        before = build_report(ReportFilter(enrolled_from=first_day, enrolled_to=day_before), (), threshold=5, protected=True)  # fmt: skip
        after = build_report(ReportFilter(enrolled_from=first_day, enrolled_to=last_day), (), threshold=5, protected=True)  # fmt: skip
        assert after.overall.cells[ALL].enrolled - before.overall.cells[ALL].enrolled == 1
        shown = [r.count("enrolled", r.overall, ALL).number for r in (before, after)]
        differences.add(shown[1] - shown[0])
        db.session.execute(db.delete(Enrolment))
        db.session.commit()
    assert len(differences) >= 3
