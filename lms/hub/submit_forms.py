"""The contribution forms (a practice's fixed parts, or a publication with its PDF) and the
editors' review form. Lengths are bounded here so that a huge field is a form error."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from lms.countries import country_choices
from lms.hub.submissions import EDITOR_MOVES, MAX_COMMENT
from lms.hub.vocabulary import AUDIENCES, LICENCES, PUBLICATION_TYPES, THEMES

# Item languages offered, by their own names (as language pickers show them).
ITEM_LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "pt": "Português",
    "es": "Español",
    "sw": "Kiswahili",
    "zh": "中文",
    "id": "Bahasa Indonesia",
}
MAX_PART = 20_000
REQUIRED = _l("This field is required.")

# A practice's fixed parts: form field, the heading it gets in the item's body.
PRACTICE_PARTS = {
    "problem": _l("The problem"),
    "what_was_done": _l("What was done"),
    "results": _l("Results"),
    "cost": _l("Cost"),
    "reuse": _l("What others can reuse"),
    "contact": _l("Contacts"),
}


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _text(label, description=None, max_length=MAX_PART):
    return TextAreaField(
        label, validators=[DataRequired(REQUIRED), Length(max=max_length)], description=description
    )


class ContributionForm(FlaskForm):
    """What every contribution has: title, summary and its metadata."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    summary = TextAreaField(
        _l("Summary"), validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=_l("Two or three sentences shown in lists and search results."),
    )  # fmt: skip
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=300)])
    country = SelectField(_l("Country"), validators=[DataRequired(REQUIRED)])
    themes = SelectMultipleField(
        _l("Themes"),
        choices=_choices(THEMES.items()),
        validators=[DataRequired(_l("Choose at least one theme."))],
    )
    audience = SelectMultipleField(
        _l("Audience"),
        choices=_choices(AUDIENCES.items()),
        validators=[DataRequired(_l("Choose at least one audience."))],
    )
    language = SelectField(_l("Language of the text"), choices=_choices(ITEM_LANGUAGES.items()), default="en")
    licence = SelectField(
        _l("Licence"),
        choices=_choices((key, name) for key, (name, _deed) in LICENCES.items()),
        default="CC-BY-4.0",
    )
    year = IntegerField(
        _l("Year"), validators=[InputRequired(REQUIRED), NumberRange(min=1990, max=date.today().year + 1)],
        default=date.today().year,
    )  # fmt: skip
    contact_email = EmailField(
        _l("Contact email (shown publicly)"),
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address.")),
            Length(max=254),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _choices([("", _l("Choose a country")), *country_choices()])


class PracticeForm(ContributionForm):
    problem = _text(PRACTICE_PARTS["problem"], _l("What the institution faced, before it acted."))
    what_was_done = _text(PRACTICE_PARTS["what_was_done"])
    results = _text(PRACTICE_PARTS["results"], _l("With figures: before and after, how many, how measured."))
    cost = _text(PRACTICE_PARTS["cost"], _l("What it cost, in money and staff time."))
    reuse = _text(PRACTICE_PARTS["reuse"], _l("What another institution can take and how."))
    contact = _text(PRACTICE_PARTS["contact"], _l("Who to ask, by role."), max_length=2000)
    submit = SubmitField(_l("Submit for review"))

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name).data.strip() for name in PRACTICE_PARTS}


class PublicationForm(ContributionForm):
    publication_type = SelectField(_l("Type of publication"), choices=_choices(PUBLICATION_TYPES.items()))
    pdf = FileField(
        _l("The publication (PDF)"), validators=[FileRequired(_l("Please choose a PDF file."))],
        render_kw={"accept": "application/pdf"},
    )  # fmt: skip
    submit = SubmitField(_l("Submit for review"))


class PublicationEditForm(PublicationForm):
    """Editing a publication: a new PDF is optional (the one sent stays)."""

    pdf = FileField(_l("A new version of the PDF (optional)"), render_kw={"accept": "application/pdf"})


STATE_LABELS = {
    "submitted": _l("Waiting for review"),
    "changes-requested": _l("Changes requested"),
    "accepted": _l("Accepted, not yet published"),
    "published": _l("Published"),
    "rejected": _l("Not accepted"),
}

MOVE_LABELS = {
    "request-changes": _l("Request changes"),
    "accept": _l("Accept"),
    "publish": _l("Publish"),
    "reject": _l("Reject"),
}


class ReviewForm(FlaskForm):
    move = SelectField(
        _l("Decision"), choices=_choices((move.value, MOVE_LABELS[move.value]) for move in EDITOR_MOVES)
    )
    comment = TextAreaField(
        _l("Comment to the contributor"), validators=[Length(max=MAX_COMMENT)],
        description=_l("Required when requesting changes or rejecting."),
    )  # fmt: skip
    submit = SubmitField(_l("Record the decision"))


class EditorForm(FlaskForm):
    email = EmailField(
        _l("Email address of the account"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    submit = SubmitField(_l("Make editor"))
