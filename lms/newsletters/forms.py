"""Forms of the newsletters: subscribing and composing an issue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import CheckboxesField


class SubscribeForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    languages = CheckboxesField(_l("Languages"), description=_l("Issues are written in one language each."))
    themes = CheckboxesField(
        _l("Themes"), description=_l("Choose none to receive every issue in your languages.")
    )
    submit = SubmitField(_l("Subscribe"))


class IssueForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"))
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[Length(max=20000)],
        description=_l("Markdown: headings, lists, links."),
    )
    items = CheckboxesField(_l("Items"), coerce=int, description=_l("Published items of the hub."))
    submit = SubmitField(_l("Save and preview"))
