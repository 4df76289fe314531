"""Forms shared by several domains."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token, nothing else to fill in."""


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (no script needed)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
