"""Forms of the course editor. Rules shared with course files (slugs, quiz rules, limits) are
checked in lms/authoring/services.py, not here, so files and forms cannot drift apart."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import DecimalField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.courses.labels import AUDIENCE_LABELS, RULE_LABELS
from lms.courses.models import Audience, CompletionRule
from lms.quizzes.models import QuestionKind

KIND_LABELS = {
    QuestionKind.SINGLE: _l("One correct answer"),
    QuestionKind.MULTIPLE: _l("Several correct answers"),
    QuestionKind.TRUE_FALSE: _l("True or false"),
}
MAX_OPTIONS = 6


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        _l("Summary"), description=_l("One or two sentences for the catalogue."), render_kw={"rows": 3}
    )
    audience = SelectField(
        _l("Audience"), choices=[SelectChoice(a.value, label) for a, label in AUDIENCE_LABELS.items()]
    )
    language = StringField(
        _l("Language code"), default="en", validators=[DataRequired(), Length(max=8)],
        description=_l("The language of the course text, such as en, fr or ar."),
    )  # fmt: skip
    hours = DecimalField(
        _l("Estimated hours of study"), default=1, places=1,
        validators=[InputRequired(), NumberRange(min=0.5, max=200)],
    )  # fmt: skip
    outcomes = TextAreaField(
        _l("Learning outcomes"), validators=[DataRequired()],
        description=_l("One outcome per line: what learners will be able to do."), render_kw={"rows": 5},
    )  # fmt: skip
    completion_rule = SelectField(
        _l("To complete the course"),
        choices=[SelectChoice(r.value, label) for r, label in RULE_LABELS.items()],
    )
    pass_mark = IntegerField(
        _l("Quiz pass mark (percent)"), default=70, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    starts_on = DateField(
        _l("The course starts on"), validators=[Optional()],
        description=_l("Optional. With the end date, it bounds the modules' due dates."),
    )  # fmt: skip
    ends_on = DateField(_l("The course ends on"), validators=[Optional()], description=_l("Optional."))

    def values(self) -> dict:
        return dict(
            title=self.title.data.strip(), summary=(self.summary.data or "").strip(),
            audience=Audience(self.audience.data), language=self.language.data.strip(),
            hours=float(self.hours.data),
            outcomes=[line.strip() for line in self.outcomes.data.splitlines() if line.strip()],
            completion_rule=CompletionRule(self.completion_rule.data), pass_mark=self.pass_mark.data,
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
        )  # fmt: skip


class NewCourseForm(CourseForm):
    slug = StringField(
        _l("Web address name"), validators=[Optional(), Length(max=80)],
        description=_l("Lowercase letters, digits and dashes; it cannot change later. Leave empty to derive it from the title."),
    )  # fmt: skip


class TitleForm(FlaskForm):
    """Adding a module or a lesson: only a title."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


class ModuleForm(FlaskForm):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 3})
    due_on = DateField(
        _l("Due on"), validators=[Optional()],
        description=_l("Optional: the day learners should have finished this module by."),
    )  # fmt: skip
    due_time = TimeField(
        _l("Due at (time of day, UTC)"), validators=[Optional()],
        description=_l("Optional: leave empty for the whole day."),
    )  # fmt: skip


class LessonForm(FlaskForm):
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(_l("Minutes to study"), validators=[InputRequired(), NumberRange(min=1, max=600)])
    body = TextAreaField(
        _l("Lesson text (Markdown)"),
        description=_l("Headings start with ##, lists with -, links are [text](https://…); paste image snippets from the Images page."),
        render_kw={"rows": 20, "class": "wide"},
    )  # fmt: skip
    revision = HiddenField()
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))


class RestoreForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])


class QuizForm(FlaskForm):
    title = StringField(_l("Quiz title"), validators=[DataRequired(), Length(max=200)])
    pass_mark = IntegerField(
        _l("Pass mark (percent)"), validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Leave empty to use the course's pass mark."),
    )  # fmt: skip
    max_attempts = IntegerField(
        _l("Attempts allowed"), default=3, validators=[InputRequired(), NumberRange(min=0, max=100)],
        description=_l("0 means unlimited."),
    )  # fmt: skip


class OptionForm(Form):
    slug = HiddenField()
    text = StringField(_l("Answer text"))
    correct = BooleanField(_l("This answer is correct"))
    feedback = StringField(_l("Feedback shown after the attempt"))


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Type of question"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    prompt = TextAreaField(_l("Question"), validators=[DataRequired()], render_kw={"rows": 3})
    options = FieldList(
        FormField(OptionForm), label=_l("Answers"), min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS
    )

    def option_values(self) -> list[dict]:
        return [entry.form.data for entry in self.options]


class ImageForm(FlaskForm):
    image = FileField(_l("Image file (PNG, JPEG, GIF or WebP, at most 2 MB)"), validators=[FileRequired()],
                      render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"})  # fmt: skip
    alt = StringField(
        _l("Description for people who cannot see the image"), validators=[DataRequired(), Length(max=300)]
    )


class ImportForm(FlaskForm):
    archive = FileField(
        _l("Course archive (.zip)"), validators=[FileRequired()], render_kw={"accept": ".zip,application/zip"}
    )


class TrainerForm(FlaskForm):
    email = EmailField(_l("Co-trainer's email address"), validators=[DataRequired()])
