"""Forms shared by several domains."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token, nothing else to fill in."""
