"""The database aggregation agrees with a plain Python computation, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import timedelta

import pytest

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.enrolment.models import Enrolment
from lms.quizzes.models import QuizAttempt
from lms.reports.breakdowns import GroupNames
from lms.reports.measures import ALL, GENDERS, build_report
from lms.reports.queries import ReportFilter, median_from_histogram
from tests import factories
from tests.reports.conftest import BASE, add_attempt, add_enrolment


def report(db, breakdowns=("course",), protected=False, **filters):
    return build_report(
        ReportFilter(**filters), breakdowns, threshold=5, protected=protected, labeller=GroupNames()
    )


def python_figures(db, key_of):
    """The same measures computed the long way, from every row."""
    enrolments = db.session.execute(db.select(Enrolment)).scalars().all()
    users = {u.id: u for u in db.session.execute(db.select(User)).scalars()}
    valid = {
        (c.user_id, c.course_id)
        for c in db.session.execute(db.select(Certificate)).scalars()
        if c.status.value == "valid"
    }
    best = defaultdict(float)
    for a in db.session.execute(db.select(QuizAttempt)).scalars():
        best[(a.user_id, a.course_id, a.quiz_id)] = max(
            best.get((a.user_id, a.course_id, a.quiz_id), 0), a.score
        )
    figures = defaultdict(lambda: defaultdict(list))
    for e in enrolments:
        user = users[e.user_id]
        for gender in (user.gender.value, ALL):
            bucket = figures[key_of(e, user)][gender]
            bucket.append(e)
    result = {}
    for key, by_gender in figures.items():
        for gender, rows in by_gender.items():
            scores = [
                s for (u, c, _q), s in best.items() if any(e.user_id == u and e.course_id == c for e in rows)
            ]
            days = [
                int(
                    (
                        e.completed_at.replace(microsecond=0) - e.enrolled_at.replace(microsecond=0)
                    ).total_seconds()
                    // 86400
                )
                for e in rows
                if e.completed_at
            ]
            result[(key, gender)] = dict(
                enrolled=len(rows),
                started=sum(1 for e in rows if e.started_at),
                completed=sum(1 for e in rows if e.completed_at),
                certified=sum(1 for e in rows if (e.user_id, e.course_id) in valid),
                average_best_score=statistics.fmean(scores) if scores else None,
                median_days_to_completion=statistics.median(days) if days else None,
            )
    return result


def seed_random(db, seed: int):
    rng = random.Random(seed)
    courses = [factories.make_course(f"rand-{seed}-{n}", modules=2, lessons=1) for n in range(3)]
    for _n in range(60):
        user = factories.make_user(
            gender=rng.choice(GENDERS),
            country=rng.choice(["KE", "NP", "HT", None]),
            institution=rng.choice(["Makerere", "Tribhuvan", ""]),
        )
        for course in rng.sample(courses, rng.randint(0, 3)):
            enrolled = BASE + timedelta(days=rng.randrange(700), seconds=rng.randrange(86400))
            started = enrolled + timedelta(hours=rng.randrange(1, 300)) if rng.random() < 0.7 else None
            completed = (
                started + timedelta(seconds=rng.randrange(1, 90 * 86400))
                if started and rng.random() < 0.6
                else None
            )
            cert = (
                rng.choice(["valid", "valid", "revoked", "superseded"])
                if completed and rng.random() < 0.8
                else None
            )
            add_enrolment(user, course, enrolled=enrolled, started=started, completed=completed, left=rng.random() < 0.2, certificate=cert)  # fmt: skip
            if started:
                for quiz in course.quizzes:
                    for number in range(1, rng.randint(1, 3)):
                        add_attempt(user, course, quiz, rng.choice([0, 33.3, 50, 66.7, 100]), number)
    db.session.commit()
    return courses


@pytest.mark.parametrize("seed", [1, 2])
def test_course_breakdown_matches_python(db, seed):
    seed_random(db, seed)
    expected = python_figures(db, lambda e, u: e.course_id)
    built = report(db, ("course",))
    for group in built.breakdowns["course"].groups:
        for gender in (*GENDERS, ALL):
            cell = group.cells[gender]
            want = expected.get((group.key[0], gender))
            if want is None:  # an empty gender in this group: zeros, never dropped
                assert cell.enrolled == 0 and built.figure("completion_rate", group, gender).text == "—"
                continue
            for measure in ("enrolled", "started", "completed", "certified"):
                assert getattr(cell, measure) == want[measure], (measure, group.label, gender)
            assert cell.average_best_score == pytest.approx(want["average_best_score"])
            assert cell.median_days_to_completion == want["median_days_to_completion"]


def test_country_and_period_breakdowns_add_up_to_the_overall(db):
    seed_random(db, 3)
    built = report(db, ("country", "institution", "year", "month", "quarter", "profile_role"))
    expected = python_figures(db, lambda e, u: "all")
    for gender in (*GENDERS, ALL):
        assert built.overall.cells[gender].enrolled == expected[("all", gender)]["enrolled"]
        assert (
            built.overall.cells[gender].median_days_to_completion
            == expected[("all", gender)]["median_days_to_completion"]
        )
    for name, breakdown in built.breakdowns.items():
        assert sum(g.cells[ALL].enrolled for g in breakdown.groups) == built.overall.cells[ALL].enrolled, name
    by_year = python_figures(db, lambda e, u: str(e.enrolled_at.year))
    for group in built.breakdowns["year"].groups:
        assert group.cells[ALL].completed == by_year[(group.key[0], ALL)]["completed"]


def test_filters_narrow_the_enrolments(db):
    courses = seed_random(db, 4)
    built = report(db, ("course",), course_ids=(courses[0].id,), country="KE")
    expected = python_figures(db, lambda e, u: (e.course_id, u.country))
    want = expected.get(((courses[0].id, "KE"), ALL), {"enrolled": 0})
    assert built.overall.cells[ALL].enrolled == want["enrolled"]


def test_period_filter_includes_the_last_day(db, course):
    learner = factories.make_user()
    add_enrolment(learner, course, enrolled=BASE.replace(hour=23, minute=59))
    db.session.commit()
    day = BASE.date()
    assert report(db, enrolled_from=day, enrolled_to=day).overall.cells[ALL].enrolled == 1
    assert report(db, enrolled_from=day + timedelta(days=1)).overall.cells[ALL].enrolled == 0


def test_single_learner_who_left_still_counts(db, course):
    learner = factories.make_user(gender="another")
    add_enrolment(
        learner,
        course,
        started=BASE,
        completed=BASE + timedelta(days=3, hours=2),
        left=True,
        certificate="valid",
    )
    db.session.commit()
    built = report(db)
    cell = built.overall.cells["another"]
    assert (cell.enrolled, cell.started, cell.completed, cell.certified) == (1, 1, 1, 1)
    assert cell.median_days_to_completion == 3


def test_empty_result_has_no_division_by_zero(db):
    built = report(db, ("course",))
    assert built.empty
    assert built.parity("completion_rate", built.overall).text == "—"


def test_parity_index_when_men_have_a_zero_rate(db, course):
    for gender, completed in (("woman", True), ("man", False)):
        add_enrolment(
            factories.make_user(gender=gender), course, started=BASE, completed=BASE if completed else None
        )
    db.session.commit()
    shown = report(db).parity("completion_rate", report(db).overall)
    assert shown.text == "—" and "0" in shown.note


def test_parity_label(db, course):
    for gender in ("woman", "man"):
        for n in range(10):
            add_enrolment(factories.make_user(gender=gender), course, completed=BASE if n < 5 else None)
    db.session.commit()
    built = report(db)
    shown = built.parity("completion_rate", built.overall)
    assert shown.text == "1.00" and shown.note == "parity"


def test_median_from_histogram():
    assert median_from_histogram({}) is None
    assert median_from_histogram({4: 1}) == 4
    assert median_from_histogram({1: 1, 3: 1}) == 2
    assert median_from_histogram({1: 2, 9: 1}) == 1


def test_protected_report_perturbs_counts_and_hides_what_is_made_from_small_ones(db, course):
    for n in range(40):
        add_enrolment(factories.make_user(gender="woman"), course, completed=BASE if n < 20 else None)
    # Its cell key puts a count of 1 in the no-noise band of the perturbation table.
    add_enrolment(factories.make_user(gender="another"), course, completed=BASE, record_key=500_000)
    db.session.commit()
    built = report(db, ("course",), protected=True)
    group = built.breakdowns["course"].groups[0]
    assert built.figure("enrolled", group, "another").text == "<5"
    assert built.figure("completion_rate", group, "another").text == "[c]"
    assert built.figure("median_days_to_completion", group, "another").hidden
    women = built.figure("enrolled", group, "woman")
    assert women.state == "value" and abs(women.number - 40) <= 2
    rate = built.figure("completion_rate", group, "woman")
    completed = built.figure("completed", group, "woman").number
    assert rate.number == pytest.approx(completed / women.number)
    assert built.figure("certified", group, "woman").text == "<5"  # a zero is not told apart
    # The course row and the overall row count the same enrolments: the same figures.
    for gender in (*GENDERS, ALL):
        for measure in ("enrolled", "completed", "completion_rate"):
            assert built.figure(measure, group, gender) == built.figure(measure, built.overall, gender)


def test_days_are_whole_days_in_one_bucket_on_every_database(db, course):
    from lms.reports.queries import completion_days

    for hours in (3 * 24 + 5, 3 * 24 + 17):
        add_enrolment(factories.make_user(), course, started=BASE, completed=BASE + timedelta(hours=hours))
    db.session.commit()
    assert completion_days(ReportFilter(), "overall") == [(("all",), "woman", 3, 2)]
