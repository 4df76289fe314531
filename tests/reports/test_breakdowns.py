"""The breakdown registry: each breakdown's groups do not depend on what ran before it, and
every filter, the audience included, is a condition of the queries."""

from __future__ import annotations

import random
from datetime import timedelta

from werkzeug.datastructures import MultiDict

from lms.courses.models import Audience
from lms.extensions import db as _db
from lms.reports import breakdowns
from lms.reports.cli import export
from lms.reports.forms import FILTERS, FilterForm
from lms.reports.measures import ALL, build_report
from lms.reports.participation import Scope, report_filter
from lms.reports.queries import ReportFilter
from tests import factories
from tests.reports.conftest import BASE, add_enrolment

NAMES = tuple(breakdowns.BREAKDOWNS)


def seed(db, course):
    rng = random.Random(7)
    for n in range(40):
        user = factories.make_user(
            gender=rng.choice(["woman", "man", "another", "unstated"]),
            country=rng.choice(["KE", "NP", None]),
            institution=rng.choice(["Makerere", ""]),
            profile_role=rng.choice(["faculty", "other"]),
        )
        enrolled = BASE + timedelta(days=23 * n, hours=rng.randrange(24))
        add_enrolment(
            user, course, enrolled=enrolled, started=enrolled, completed=enrolled + timedelta(days=n % 9)
        )
    db.session.commit()


def figures(name: str) -> list[tuple]:
    built = build_report(ReportFilter(), (name,), threshold=5, protected=False)
    return [
        (group.code, group.label, group.cells[ALL].enrolled, group.cells[ALL].completed)
        for group in built.breakdowns[name].groups
    ]


def test_every_breakdown_is_the_same_whatever_ran_before_it_in_the_process(db, course):
    """Month and quarter groups once came out as years when a year breakdown had run first:
    SQLAlchemy cached the first period's SQL, because the unit was not part of its cache key."""
    seed(db, course)
    alone = {}
    for name in NAMES:
        _db.engine.clear_compiled_cache()
        alone[name] = figures(name)
    for first in NAMES:
        for then in NAMES:
            _db.engine.clear_compiled_cache()
            figures(first)
            assert figures(then) == alone[then], (first, then)
    labels = {name: [code for code, *_rest in alone[name]] for name in ("year", "quarter", "month")}
    assert all(len(code) == 4 for code in labels["year"])
    assert all(code[4:6] == "-Q" and code[6] in "1234" for code in labels["quarter"])
    assert all(code[4] == "-" and 1 <= int(code[5:]) <= 12 for code in labels["month"])
    assert len(labels["year"]) < len(labels["quarter"]) < len(labels["month"])


def test_period_groups_are_the_enrolment_dates_periods(db, course):
    seed(db, course)
    enrolled = [e.enrolled_at for e in _db.session.execute(_db.select(breakdowns.Enrolment)).scalars()]
    expected = {
        "year": {f"{d.year}" for d in enrolled},
        "quarter": {f"{d.year}-Q{(d.month + 2) // 3}" for d in enrolled},
        "month": {f"{d.year}-{d.month:02d}" for d in enrolled},
    }
    built = build_report(ReportFilter(), ("month", "year", "quarter"), threshold=5, protected=False)
    for name, codes in expected.items():
        assert {group.code for group in built.breakdowns[name].groups} == codes, name


def test_audience_filter_is_a_condition_of_the_query(db, app):
    faculty = factories.make_course("for-faculty", modules=1, lessons=1, audience=Audience.FACULTY)
    policy = factories.make_course("for-policy", modules=1, lessons=1, audience=Audience.POLICY_MAKERS)
    for course, number in ((faculty, 3), (policy, 2)):
        for _n in range(number):
            add_enrolment(factories.make_user(), course)
    _db.session.commit()
    chosen = ReportFilter(audience=Audience.POLICY_MAKERS.value)
    built = build_report(chosen, ("course",), threshold=5, protected=False)
    assert built.overall.cells[ALL].enrolled == 2
    assert [g.code for g in built.breakdowns["course"].groups] == ["for-policy"]
    # The form's audience reaches the filter as such, not as a list of courses worked out in Python.
    with app.test_request_context():
        form = FilterForm(MultiDict({"audience": "policy-makers", "by": "course"}), [faculty, policy])
        assert form.validate()
        made = report_filter(form, Scope([faculty, policy], everything=True))
    assert made.audience == "policy-makers" and made.course_ids is None
    assert made.described == {"audience": "policy-makers"}


def test_every_filter_is_a_cli_option_of_the_same_name():
    options = {param.name for param in export.params}
    assert set(FILTERS) <= options


def test_unknown_breakdown_is_refused():
    import pytest

    with pytest.raises(ValueError, match="unknown breakdown"):
        breakdowns.get("shoe-size")
