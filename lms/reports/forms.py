"""The filter form of participation reports, shared by the pages, the downloads and the CLI.

It is a GET form (plain WTForms, no CSRF token): it only reads, and its values — course slug,
country code, dates — are not personal data, so they may sit in the URL and be bookmarked.
"""

from __future__ import annotations

from functools import cache

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.accounts.models import ProfileRole
from lms.courses.labels import AUDIENCE_LABELS
from lms.reports.measures import BREAKDOWN_LABELS

PROFILE_ROLE_LABELS = {
    ProfileRole.FACULTY.value: _l("Faculty"),
    ProfileRole.LEADER.value: _l("Leader or administrator"),
    ProfileRole.POLICY_MAKER.value: _l("Policy maker"),
    ProfileRole.OTHER.value: _l("Other"),
}


@cache
def countries() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1]))


def country_name(code: str | None) -> str:
    if not code:
        return str(_l("Country not stated"))
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


class FilterForm(Form):
    course = SelectField(_l("Course"), validate_choice=False)
    audience = SelectField(_l("Audience"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    profile_role = SelectField(_l("Profile role"), validate_choice=False)
    enrolled_from = DateField(
        _l("Enrolled from"),
        validators=[Optional()],
        description=_l("First day of the enrolment period (YYYY-MM-DD)."),
    )
    enrolled_to = DateField(
        _l("Enrolled until"),
        validators=[Optional()],
        description=_l("Last day of the enrolment period, included (YYYY-MM-DD)."),
    )
    by = SelectField(_l("Break down by"), validate_choice=False, default="course")
    published = BooleanField(_l("Show as published (small counts hidden)"))

    def __init__(self, formdata, courses, **kwargs):
        super().__init__(formdata, **kwargs)
        self.known_courses = {course.slug: course for course in courses}
        self.course.choices = [("", _l("All courses"))] + [(c.slug, c.title) for c in courses]
        self.audience.choices = [("", _l("All audiences"))] + [
            (a.value, label) for a, label in AUDIENCE_LABELS.items()
        ]
        self.country.choices = [("", _l("All countries"))] + list(countries())
        self.profile_role.choices = [("", _l("All profile roles"))] + list(PROFILE_ROLE_LABELS.items())
        self.by.choices = list(BREAKDOWN_LABELS.items())
        for date_field in (self.enrolled_from, self.enrolled_to):
            date_field.render_kw = {"type": "date"}

    def validate_course(self, field):
        if field.data and field.data not in self.known_courses:
            raise ValidationError(_l("No course has the short name “%(slug)s”.", slug=field.data))

    def validate_audience(self, field):
        if field.data and field.data not in {a.value for a in AUDIENCE_LABELS}:
            raise ValidationError(_l("Choose an audience from the list."))

    def validate_country(self, field):
        field.data = (field.data or "").strip().upper()
        if field.data and field.data not in dict(countries()):
            raise ValidationError(
                _l("“%(code)s” is not a country code (ISO 3166, such as KE).", code=field.data)
            )

    def validate_profile_role(self, field):
        if field.data and field.data not in PROFILE_ROLE_LABELS:
            raise ValidationError(_l("Choose a profile role from the list."))

    def validate_by(self, field):
        if field.data not in BREAKDOWN_LABELS:
            raise ValidationError(_l("Choose a breakdown from the list."))

    def validate_enrolled_to(self, field):
        start = self.enrolled_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end of the period is before its start: swap the two dates."))
