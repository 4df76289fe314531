from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.announcements.services import MAX_BODY, MAX_TITLE


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l(
            "Markdown: **bold**, *italic*, lists and links. Every learner of the course is emailed."
        ),
    )
    submit = SubmitField(_l("Post the announcement"))
