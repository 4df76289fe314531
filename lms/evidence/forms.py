"""The form that publishes a participation brief in the hub; the filters stay in the query string."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import CheckboxesField
from lms.hub.vocabulary import LICENCES, THEMES
from lms.i18n import language_choices

REQUIRED = _l("This field is required.")
MAX_TITLE = 300  # hub_item.title
MAX_SUMMARY = 2000  # as the hub's contribution form


class BriefForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=MAX_TITLE)])
    summary = TextAreaField(
        _l("Summary"), validators=[DataRequired(REQUIRED), Length(max=MAX_SUMMARY)],
        description=_l("Shown in the hub's lists, search results and feeds."),
    )  # fmt: skip
    language = SelectField(
        _l("Language of the brief"),
        description=_l("The PDF, its findings and its method note are written in this language."),
    )
    licence = SelectField(
        _l("Licence"),
        choices=[SelectChoice(key, name) for key, (name, _deed) in LICENCES.items()],
        default="CC-BY-4.0",
    )
    themes = CheckboxesField(
        _l("Themes"),
        choices=[SelectChoice(key, label) for key, label in THEMES.items()],
        default=["gender-equality"],
        validators=[DataRequired(_l("Choose at least one theme."))],
    )
    submit = SubmitField(_l("Publish in the knowledge hub"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_choices()]
