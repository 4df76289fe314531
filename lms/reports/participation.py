"""From a person and a filter form to a report: who may see which courses, and the filter."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app
from flask_babel import gettext as _

from lms.courses.models import Course
from lms.courses.queries import course_by_slug, taught_courses
from lms.errors import abort_with
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


def filter_form(args, user) -> tuple[FilterForm, Scope]:
    """The filter form of `args` (a query string) for this person; a course they may not
    report on is refused (403). Not yet validated: a page shows the form's errors."""
    scope = scope_of(user)
    slug = args.get("course", "")
    taught = {c.slug for c in scope.courses}
    if slug and not scope.everything and slug not in taught and course_by_slug(slug) is not None:
        abort(403)
    return FilterForm(args, scope.courses), scope


def requested_filter(args, user) -> tuple[ReportFilter, FilterForm]:
    """The validated filter of a download or a publication: invalid filters are refused with
    400 and the reasons, as no form is shown to correct them."""
    form, scope = filter_form(args, user)
    if not form.validate():
        problems = "; ".join(
            f"{form[name].label.text}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
        )
        abort_with(400, _("The filters are not valid: %(problems)s", problems=problems))
    return report_filter(form, scope), form


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
