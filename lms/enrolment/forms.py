from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField
from wtforms.validators import Length, Optional


class EnrolForm(FlaskForm):
    key = PasswordField(
        _l("Enrolment key"),
        validators=[Optional(), Length(max=100)],
        description=_l("Your trainer gives you this key."),
    )


class CohortUploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired()],
        description=_l("Columns: email, full_name, gender, country, institution, profile_role. UTF-8."),
    )
