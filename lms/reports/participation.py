"""From a person and a filter form to a report: who may see which courses, and group names."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.courses.models import Audience, Course
from lms.extensions import db
from lms.policy import has_role
from lms.reports.forms import PROFILE_ROLE_LABELS, FilterForm, country_name
from lms.reports.measures import PERIODS, PUBLISHED_BREAKDOWNS, Report, build_report
from lms.reports.queries import ReportFilter
from lms.roles import Role


@dataclass
class Scope:
    """What a person may report on: every course (admins) or the courses they teach."""

    courses: list[Course]
    everything: bool

    @property
    def course_ids(self) -> tuple[int, ...] | None:
        return None if self.everything else tuple(course.id for course in self.courses)


def scope_of(user) -> Scope:
    from lms.courses.queries import taught_courses

    return Scope(taught_courses(user), has_role(user, Role.ADMIN))


def threshold() -> int:
    return int(current_app.config["REPORTS_SUPPRESSION_THRESHOLD"])


def report_filter(form: FilterForm, scope: Scope) -> ReportFilter:
    """The ReportFilter of a validated form, narrowed to the scope."""
    course_ids = scope.course_ids
    slug = form.course.data or ""
    if slug:
        course_ids = (form.known_courses[slug].id,)
    if form.audience.data:
        audience = Audience(form.audience.data)
        chosen = [
            c.id
            for c in scope.courses
            if c.audience is audience and (course_ids is None or c.id in course_ids)
        ]
        course_ids = tuple(chosen)
    described = {
        name: str(value)
        for name, value in (
            ("course", slug),
            ("audience", form.audience.data),
            ("country", form.country.data),
            ("institution", form.institution.data),
            ("profile_role", form.profile_role.data),
            ("enrolled_from", form.enrolled_from.data),
            ("enrolled_to", form.enrolled_to.data),
        )
        if value
    }
    return ReportFilter(
        course_ids=course_ids,
        country=form.country.data or None,
        institution=(form.institution.data or "").strip() or None,
        profile_role=form.profile_role.data or None,
        enrolled_from=form.enrolled_from.data,
        enrolled_to=form.enrolled_to.data,
        described=described,
    )


def published_breakdowns(period: str = "year") -> tuple[str, ...]:
    """What a suppressed report publishes together: four breakdowns and one kind of period.

    Months, quarters and years nest; publishing two of them would let a reader subtract.
    """
    return (*PUBLISHED_BREAKDOWNS, period if period in PERIODS else "year")


def participation_report(
    report_filter: ReportFilter, breakdowns: tuple[str, ...], *, suppressed: bool
) -> Report:
    return build_report(
        report_filter, breakdowns, threshold=threshold(), suppressed=suppressed, labeller=GroupNames()
    )


class GroupNames:
    """Names and sort order of groups; course titles are loaded once per report."""

    def __init__(self):
        self._courses: dict[int, Course] | None = None

    def __call__(self, breakdown: str, key: tuple) -> tuple[str, tuple]:
        return getattr(self, breakdown)(*key)

    def course(self, course_id):
        if self._courses is None:
            self._courses = {c.id: c for c in db.session.execute(select(Course)).scalars()}
        course = self._courses.get(course_id)
        title = course.title if course else str(course_id)
        return title, (title.casefold(), course_id), course.slug if course else str(course_id)

    def country(self, code):
        name = country_name(code)
        return name, (code is None, name.casefold()), code or ""

    def institution(self, code, name):
        place = country_name(code)
        label = f"{name or _('Institution not stated')} ({place})"
        return label, (not name, (name or "").casefold(), place.casefold()), f"{code or ''}:{name or ''}"

    def profile_role(self, value):
        values = list(PROFILE_ROLE_LABELS)
        order = (values.index(value) if value in values else 99,)
        return str(PROFILE_ROLE_LABELS.get(value, value)), order, value

    def year(self, label):
        return label, (label,), label

    quarter = month = year
