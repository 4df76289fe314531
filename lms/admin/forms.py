from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from lms.roles import Role

ROLE_CHOICES = [
    SelectChoice(Role.LEARNER.value, _l("Learner")),
    SelectChoice(Role.TRAINER.value, _l("Trainer")),
    SelectChoice(Role.ADMIN.value, _l("Administrator")),
]


class UserSearchForm(FlaskForm):
    """Sent by POST and kept in the session, so that names and emails never appear in URLs."""

    q = SearchField(_l("Name or email contains"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("Any role"))] + ROLE_CHOICES, validators=[Optional()]
    )


class UserAccessForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Account active (can sign in)"))
