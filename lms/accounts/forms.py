"""Account forms. They check shape (required, lengths); the rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from lms import countries
from lms.accounts.models import Gender, ProfileRole

GENDER_CHOICES = [
    SelectChoice(Gender.WOMAN.value, _l("Woman")),
    SelectChoice(Gender.MAN.value, _l("Man")),
    SelectChoice(Gender.ANOTHER.value, _l("Another gender identity")),
    SelectChoice(Gender.UNSTATED.value, _l("Prefer not to say")),
]

PROFILE_ROLE_CHOICES = [
    SelectChoice(ProfileRole.FACULTY.value, _l("Faculty member")),
    SelectChoice(ProfileRole.LEADER.value, _l("Institutional leader or administrator")),
    SelectChoice(ProfileRole.POLICY_MAKER.value, _l("Policy maker")),
    SelectChoice(ProfileRole.OTHER.value, _l("Other")),
]


def country_choices() -> list[SelectChoice]:
    """ISO 3166 countries, named and sorted in the reader's language (lms.countries)."""
    return [SelectChoice("", _l("Choose a country"))] + [
        SelectChoice(*pair) for pair in countries.country_choices()
    ]


class ProfileFields:
    """Fields shared by registration and the profile page."""

    # No Length validator: the limit counts the name after NFC normalisation (lms.accounts.names).
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired()],
        description=_l("Exactly as it should be printed on your certificates, in any script."),
    )
    gender = RadioField(_l("Gender"), choices=GENDER_CHOICES, default=Gender.UNSTATED.value)
    country = SelectField(_l("Country"), validators=[Optional()])
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    profile_role = SelectField(_l("Your role"), choices=PROFILE_ROLE_CHOICES)

    def fill_country_choices(self) -> None:
        self.country.choices = country_choices()


class RegistrationForm(ProfileFields, FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],
        description=_l("At least 10 characters. A few unrelated words make a strong password."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_country_choices()


class ProfileForm(ProfileFields, FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_country_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ConfirmEmailForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired()])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
