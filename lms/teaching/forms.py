from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired


class AddTrainerForm(FlaskForm):
    email = EmailField(_l("Trainer's email address"), validators=[DataRequired()])
