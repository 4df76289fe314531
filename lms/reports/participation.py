"""From a person and a filter form to a report: who may see which courses, and the filter."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from lms.courses.models import Course
from lms.courses.queries import taught_courses
from lms.policy import has_role
from lms.reports.forms import FilterForm
from lms.reports.measures import Report, build_report
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
    return Scope(taught_courses(user), has_role(user, Role.ADMIN))


def threshold() -> int:
    return int(current_app.config["REPORTS_SUPPRESSION_THRESHOLD"])


def report_filter(form: FilterForm, scope: Scope) -> ReportFilter:
    """The ReportFilter of a validated form, narrowed to the scope. Every filter becomes a
    condition of the queries; the scope's courses too (a trainer's)."""
    course_ids = scope.course_ids
    if form.course.data:
        course_ids = (form.known_courses[form.course.data].id,)
    return ReportFilter(
        course_ids=course_ids,
        audience=form.audience.data or None,
        country=form.country.data or None,
        institution=(form.institution.data or "").strip() or None,
        profile_role=form.profile_role.data or None,
        enrolled_from=form.enrolled_from.data,
        enrolled_to=form.enrolled_to.data,
        described=form.filter_values(),
    )


def participation_report(
    report_filter: ReportFilter, breakdowns: tuple[str, ...], *, protected: bool
) -> Report:
    """The report of these breakdowns; `protected`: perturbed for publication (lms.reports.disclosure)."""
    return build_report(report_filter, breakdowns, threshold=threshold(), protected=protected)
