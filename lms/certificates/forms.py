from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SearchField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.accounts.models import Gender
from lms.certificates.models import CertificateActionKind, CertificateStatus

GENDER_LABELS = {
    Gender.WOMAN: _l("Woman"),
    Gender.MAN: _l("Man"),
    Gender.ANOTHER: _l("Another gender"),
    Gender.UNSTATED: _l("Not stated"),
}
STATUS_LABELS = {
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.SUPERSEDED: _l("Superseded"),
}

ACTION_LABELS = {
    CertificateActionKind.ISSUED: _l("Issued"),
    CertificateActionKind.REVOKED: _l("Revoked"),
    CertificateActionKind.REINSTATED: _l("Reinstated"),
    CertificateActionKind.REISSUED: _l("Re-issued (superseded)"),
}


class VerifyForm(FlaskForm):
    """Sent by GET: a code is not personal data, and a verification link should be shareable."""

    class Meta:
        csrf = False

    code = SearchField(
        _l("Certificate code"),
        validators=[DataRequired(_l("Please enter a certificate code.")), Length(max=64)],
        description=_l("As printed on the certificate, for example 7KQ4-M2XC-9PDA-T1HV-C8."),
    )


class CredentialFileForm(FlaskForm):
    """An upload to check: the certificate PDF, the badge image, or the credential file."""

    credential_file = FileField(
        _l("Certificate file"),
        validators=[FileRequired(_l("Please choose a file."))],
        description=_l("The certificate PDF, the badge image (PNG) or the credential (JSON or JWT)."),
    )


class RegisterFilterForm(FlaskForm):
    """Filters of the register, sent by GET so that pages and exports share one address. No
    value is personal data: course, dates, a country, a gender category and a status."""

    class Meta:
        csrf = False

    course = SelectField(_l("Course"), validators=[Optional()])
    since = DateField(_l("Issued from"), validators=[Optional()])
    until = DateField(_l("Issued until"), validators=[Optional()])
    country = StringField(
        _l("Country"),
        validators=[Optional(), Length(min=2, max=2, message=_l("Use the two-letter country code."))],
        description=_l("Two-letter code, for example KE."),
    )
    gender = SelectField(
        _l("Gender"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Please give the reason.")), Length(max=500)],
        description=_l("Shown publicly on the verification page."),
    )


class NoteForm(FlaskForm):
    reason = StringField(_l("Note for the record (optional)"), validators=[Optional(), Length(max=500)])
