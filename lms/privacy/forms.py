"""The confirmation an erasure needs: a password and an explicit tick."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length


class EraseForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    understood = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(_l("Tick this box to confirm."))],
    )


class OwnEraseForm(EraseForm):
    """The learner confirms with their own password."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1000)])


class AdminEraseForm(EraseForm):
    """An administrator confirms with their own password, not the person's."""

    password = PasswordField(
        _l("Your password (the administrator's)"), validators=[DataRequired(), Length(max=1000)]
    )
