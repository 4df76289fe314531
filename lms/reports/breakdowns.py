"""What a report breakdown is, in one registry: the form offers these, the queries group by
them, the CSV export and the policy brief name their groups with them.

A breakdown has a name (in URLs, the CSV's `breakdown` column and the CLI), a label, the SQL
expressions its groups are made of (over the enrolment and user tables) and a way to name a
group: its label, its place in the table and a stable code for exports. Add a breakdown here
and every page and download knows it (the disclosure control needs nothing from it: a figure's
perturbation depends only on the enrolments it counts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Table, func, literal, select

from lms.accounts.models import User
from lms.courses.models import Course
from lms.enrolment.models import Enrolment
from lms.extensions import db
from lms.reports.labels import PROFILE_ROLE_LABELS, country_name
from lms.reports.sql import month_label, quarter_label, unindexed, year_label


@dataclass(frozen=True)
class GroupName:
    label: str
    order: tuple  # sort key within the breakdown
    code: str  # course slug, country code, period...: stable in exports


class GroupNames:
    """What naming groups needs from the database, read once per report (course titles)."""

    def __init__(self):
        self._courses: dict[int, Course] | None = None

    def course(self, course_id: int) -> Course | None:
        if self._courses is None:
            self._courses = {c.id: c for c in db.session.execute(select(Course)).scalars()}
        return self._courses.get(course_id)

    def __call__(self, breakdown: str, key: tuple) -> tuple[str, tuple, str]:
        """The labeller `measures.build_report` takes: (label, sort key, code) of a group."""
        name = get(breakdown).name_group(self, *key)
        return name.label, name.order, name.code


@dataclass(frozen=True)
class Breakdown:
    name: str
    label: object  # a lazy translated string
    group_by: Callable[[], list[ColumnElement]]  # the SQL expressions of a group's key
    name_group: Callable[..., GroupName]  # (GroupNames, *key) -> GroupName
    period: bool = False  # a period of the enrolment date
    within: str | None = None  # groups nest in this one's groups: their key is its key plus one part
    # The same expressions over a summary table (lms.reports.models): the dashboard reads those.
    summary_group_by: Callable[[Table], list[ColumnElement]] | None = None


def _enrolment():
    return Enrolment.__table__.c


def _user():
    return User.__table__.c


def _country_of(table: Table) -> ColumnElement:
    """A summary row's country as the user table has it: '' (kept for a key) is NULL."""
    return func.nullif(table.c.country, "")


def _course(names: GroupNames, course_id) -> GroupName:
    course = names.course(course_id)
    title = course.title if course else str(course_id)
    return GroupName(title, (title.casefold(), course_id), course.slug if course else str(course_id))


def _country(names: GroupNames, code) -> GroupName:
    name = country_name(code)
    return GroupName(name, (code is None, name.casefold()), code or "")


def _institution(names: GroupNames, code, name) -> GroupName:
    place = country_name(code)
    label = f"{name or _('Institution not stated')} ({place})"
    return GroupName(
        label, (not name, (name or "").casefold(), place.casefold()), f"{code or ''}:{name or ''}"
    )


def _profile_role(names: GroupNames, value) -> GroupName:
    values = list(PROFILE_ROLE_LABELS)
    order = (values.index(value) if value in values else 99,)
    return GroupName(str(PROFILE_ROLE_LABELS.get(value, value)), order, value)


def _period(names: GroupNames, label) -> GroupName:
    return GroupName(label, (label,), label)


# In the order the dashboard offers them.
BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        # Grouping by enrolment.course_id through `unindexed`: see lms.reports.sql.
        Breakdown(
            "course",
            _l("Course"),
            lambda: [unindexed(_enrolment().course_id)],
            _course,
            summary_group_by=lambda t: [t.c.course_id],
        ),
        Breakdown(
            "country",
            _l("Country"),
            lambda: [_user().country],
            _country,
            summary_group_by=lambda t: [_country_of(t)],
        ),
        # Grouped within the country, so that the institutions of a country add up to it.
        Breakdown(
            "institution",
            _l("Institution"),
            lambda: [_user().country, _user().institution],
            _institution,
            within="country",
            summary_group_by=lambda t: [_country_of(t), t.c.institution],
        ),  # fmt: skip
        Breakdown(
            "profile_role",
            _l("Profile role"),
            lambda: [_user().profile_role],
            _profile_role,
            summary_group_by=lambda t: [t.c.profile_role],
        ),
        *(
            Breakdown(
                name,
                label,
                lambda period=period: [period(_enrolment().enrolled_at)],
                _period,
                period=True,
                summary_group_by=lambda t, period=period: [period(t.c.day)],
            )
            for name, label, period in (
                ("month", _l("Month"), month_label),
                ("quarter", _l("Quarter"), quarter_label),
                ("year", _l("Year"), year_label),
            )
        ),
    )
}
# Not offered: the single group of everything, which every report has.
OVERALL = Breakdown(
    "overall",
    _l("All"),
    lambda: [literal("all")],
    lambda names, key: GroupName(_("All"), (), "all"),
    summary_group_by=lambda t: [literal("all")],
)

PERIODS = ("year", "quarter", "month")
assert {b.name for b in BREAKDOWNS.values() if b.period} == set(PERIODS)
# What the CSV for publication holds: every breakdown (perturbed figures can all be published).
PUBLISHED = tuple(BREAKDOWNS)
# The policy brief's tables, in this order.
IN_BRIEF = ("country", "course")


def get(name: str) -> Breakdown:
    """The breakdown called `name` (or `overall`); ValueError for any other name."""
    if name == OVERALL.name:
        return OVERALL
    try:
        return BREAKDOWNS[name]
    except KeyError:
        raise ValueError(f"unknown breakdown {name!r}") from None
