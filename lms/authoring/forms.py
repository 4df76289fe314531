"""Forms of the course editor. Rules shared with course files (slugs, quiz rules, limits) are
checked in lms/authoring/services.py, not here, so files and forms cannot drift apart."""

from __future__ import annotations

from flask import current_app
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
    RadioField,
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
from lms.i18n import language_name
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
    language = SelectField(
        _l("Language of the course"), default="en", validate_choice=True,
        description=_l("The language the course is written in: learners' browsers read it aloud and hyphenate it in this language."),
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
    enrolment_key = StringField(
        _l("Enrolment key"), validators=[Optional(), Length(max=100)], render_kw={"autocomplete": "off"},
        description=_l("Optional. Learners must type this key to enrol; leave empty to let anyone enrol."),
    )  # fmt: skip
    enrol_from = DateField(
        _l("Enrolment opens on"),
        validators=[Optional()],
        description=_l("Optional: the first day learners can enrol."),
    )
    enrol_until = DateField(
        _l("Enrolment closes after"), validators=[Optional()],
        description=_l("Optional: the last day learners can enrol."),
    )  # fmt: skip

    def __init__(self, *args, current_language: str | None = None, **kwargs):
        """The language list: the platform's languages, named in the reader's language, and
        the course's own if it is another (a course file may be in any language)."""
        super().__init__(*args, **kwargs)
        codes = list(current_app.config["LANGUAGES"])
        if current_language and current_language not in codes:
            codes.append(current_language)
        self.language.choices = [SelectChoice(code, f"{language_name(code)} ({code})") for code in codes]

    def values(self) -> dict:
        return dict(
            title=self.title.data.strip(), summary=(self.summary.data or "").strip(),
            audience=Audience(self.audience.data), language=self.language.data.strip(),
            hours=float(self.hours.data),
            outcomes=[line.strip() for line in self.outcomes.data.splitlines() if line.strip()],
            completion_rule=CompletionRule(self.completion_rule.data), pass_mark=self.pass_mark.data,
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
            enrolment_key=(self.enrolment_key.data or "").strip() or None, enrol_from=self.enrol_from.data,
            enrol_until=self.enrol_until.data,
        )  # fmt: skip


class DetailsForm(CourseForm):
    """The course form of an existing course, with its picture (uploaded once the course exists)."""

    image = FileField(
        _l("Course image (PNG, JPEG, GIF or WebP, at most 2 MB)"), validators=[Optional()],
        description=_l("Optional. Shown in the catalogue and on the course page."),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )  # fmt: skip
    image_alt = StringField(
        _l("Description of the course image for people who cannot see it"), validators=[Length(max=300)],
        description=_l("Required with an image."),
    )  # fmt: skip
    remove_image = BooleanField(_l("Remove the course image"))


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


class OneOptionForm(Form):
    """An answer of a one-correct-answer question: which one is correct is the form's radio."""

    slug = HiddenField()
    text = StringField(_l("Answer text"))
    feedback = StringField(_l("Feedback shown after the attempt"))


class QuestionForm(FlaskForm):
    """What every kind of question has; each kind's form (QUESTION_FORMS) adds its answers.
    `kind` is carried in a hidden field: the type is chosen before the form is shown."""

    kind = HiddenField()
    prompt = TextAreaField(_l("Question"), validators=[DataRequired()], render_kw={"rows": 3})

    @staticmethod
    def initial(options: list[dict]) -> dict:
        """The form's data for a question's existing options (of any kind)."""
        return {"options": options + [{}] * (MAX_OPTIONS - len(options))}

    def option_values(self) -> list[dict]:  # pragma: no cover - each kind overrides
        raise NotImplementedError


class SeveralQuestionForm(QuestionForm):
    options = FieldList(
        FormField(OptionForm), label=_l("Answers"), min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS
    )

    def option_values(self) -> list[dict]:
        return [entry.form.data for entry in self.options]


class OneQuestionForm(QuestionForm):
    options = FieldList(
        FormField(OneOptionForm), label=_l("Answers"), min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS
    )
    correct = RadioField(
        _l("The correct answer"), choices=[SelectChoice(str(n), str(n + 1)) for n in range(MAX_OPTIONS)],
        validate_choice=False, validators=[Optional()],
    )  # fmt: skip

    @staticmethod
    def initial(options: list[dict]) -> dict:
        correct = next((str(n) for n, option in enumerate(options) if option.get("correct")), None)
        return {**QuestionForm.initial(options), "correct": correct}

    def option_values(self) -> list[dict]:
        return [
            {**entry.form.data, "correct": str(n) == self.correct.data}
            for n, entry in enumerate(self.options)
        ]


class TrueFalseQuestionForm(QuestionForm):
    """Two answers whose texts are fixed ("True" and "False" in the course's language, or the
    texts of a question imported from a file): the trainer says which is correct."""

    correct = RadioField(
        _l("Which answer is correct?"), choices=[SelectChoice("0", _l("True")), SelectChoice("1", _l("False"))],
        validators=[InputRequired(message=_l("Choose which answer is correct."))],
    )  # fmt: skip
    feedback_0 = StringField(_l("Feedback for the first answer"))
    feedback_1 = StringField(_l("Feedback for the second answer"))

    def set_answers(self, answers: list[dict]) -> None:
        """The two answers ({"slug", "text"}) shown as the radio's choices, in this order."""
        self.answers = answers
        self.correct.choices = [SelectChoice(str(n), answer["text"]) for n, answer in enumerate(answers)]

    @staticmethod
    def initial(options: list[dict]) -> dict:
        correct = next((str(n) for n, option in enumerate(options[:2]) if option.get("correct")), None)
        feedback = [option.get("feedback", "") for option in options[:2]] + ["", ""]
        return {"correct": correct, "feedback_0": feedback[0], "feedback_1": feedback[1]}

    def option_values(self) -> list[dict]:
        feedback = [self.feedback_0.data, self.feedback_1.data]
        return [
            {"slug": answer["slug"], "text": answer["text"], "correct": str(n) == self.correct.data,
             "feedback": feedback[n] or ""}
            for n, answer in enumerate(self.answers)
        ]  # fmt: skip


# The form of each kind's editor (lms/quizzes/kinds.py says which editor a kind uses).
QUESTION_FORMS = {"one": OneQuestionForm, "several": SeveralQuestionForm, "true-false": TrueFalseQuestionForm}


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


class RemoveForm(FlaskForm):
    """The button of a removal's confirmation page: a removal without it is never carried out."""

    confirmed = HiddenField()  # "yes", set by the page (a default would confirm any POST)
