"""Discussion forms. Sizes and content are checked by the services (their limits are settings),
so the forms only carry the fields; a refusal lands on its field through `refusals_on`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

MARKDOWN_HINT = _l("Markdown: *italic*, **bold**, lists, links and `code`. Images are not shown.")


class ThreadForm(FlaskForm):
    topic = SelectField(_l("Topic"), choices=[], validate_choice=True)
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Your message"), description=MARKDOWN_HINT)


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), description=MARKDOWN_HINT)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))


class SwitchForm(FlaskForm):
    """A button that sets a thread's flag (pinned, locked) to the value it names, so a double
    submit sets it twice rather than turning it back."""

    value = HiddenField()
