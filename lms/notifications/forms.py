"""The notification settings form: one choice per kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField

from lms.notifications.models import Kind, Mode
from lms.notifications.services import KIND_LABELS, MODE_LABELS


class PreferencesForm(FlaskForm):
    submit = SubmitField(_l("Save notification settings"))


for _kind in Kind:
    setattr(
        PreferencesForm,
        f"kind_{_kind.value}",
        RadioField(
            KIND_LABELS[_kind], choices=[SelectChoice(mode.value, MODE_LABELS[mode]) for mode in Mode]
        ),
    )


def kind_fields(form: PreferencesForm) -> list:
    return [getattr(form, f"kind_{kind.value}") for kind in Kind]
