"""The filter form of participation reports, shared by the pages, the downloads and the CLI.

It is a GET form (plain WTForms, no CSRF token): it only reads, and its values — course slug,
country code, dates — are not personal data, so they may sit in the URL and be bookmarked.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.countries import is_country
from lms.courses.labels import AUDIENCE_LABELS
from lms.i18n import language_direction
from lms.reports.breakdowns import BREAKDOWNS
from lms.reports.labels import PROFILE_ROLE_LABELS, countries

# The filters, in the order a report describes them. The pages (links keep them), the audit log
# and the CLI options (same names) all take them from here.
FILTERS = ("course", "audience", "country", "institution", "profile_role", "enrolled_from", "enrolled_to")


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
    published = BooleanField(_l("Show as published (protected)"))

    def __init__(self, formdata, courses, **kwargs):
        super().__init__(formdata, **kwargs)
        self.known_courses = {course.slug: course for course in courses}
        self.course.choices = [("", _l("All courses"))] + [
            (c.slug, c.title, {"lang": c.language, "dir": language_direction(c.language)}) for c in courses
        ]
        self.audience.choices = [("", _l("All audiences"))] + [
            (a.value, label) for a, label in AUDIENCE_LABELS.items()
        ]
        self.country.choices = [("", _l("All countries"))] + list(countries())
        self.profile_role.choices = [("", _l("All profile roles"))] + list(PROFILE_ROLE_LABELS.items())
        self.by.choices = [(b.name, b.label) for b in BREAKDOWNS.values()]
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
        if field.data and not is_country(field.data):
            raise ValidationError(
                _l("“%(code)s” is not a country code (ISO 3166, such as KE).", code=field.data)
            )

    def validate_profile_role(self, field):
        if field.data and field.data not in PROFILE_ROLE_LABELS:
            raise ValidationError(_l("Choose a profile role from the list."))

    def validate_by(self, field):
        if field.data not in BREAKDOWNS:
            raise ValidationError(_l("Choose a breakdown from the list."))

    def validate_enrolled_to(self, field):
        start = self.enrolled_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end of the period is before its start: swap the two dates."))

    def filter_values(self) -> dict[str, str]:
        """The filters given, as text: for links that keep them and for describing a report."""
        return {name: str(self[name].data) for name in FILTERS if self[name].data}
