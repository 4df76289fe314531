"""The course editor: thin views over lms/authoring/services.py and publishing.py.

Every course route loads the draft (404 when the course has none), then checks that the person
teaches the course (403). Views never commit: the request's unit of work does (lms/unit_of_work.py).
A refused change (an AuthoringError, a DomainError) is shown on its form by `refusals_on`, which
undoes what the request had written, and answers 400 (409 for an edit conflict) with the form as
typed; a refused button flashes the message and goes back (`refused`).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from lms.accounts.services import find_by_email
from lms.authoring import bp, publishing, queries, removals, services
from lms.authoring.access import can_edit_draft, can_manage_draft_trainers
from lms.authoring.forms import (
    KIND_LABELS,
    QUESTION_FORMS,
    DetailsForm,
    ImageForm,
    ImportForm,
    LessonForm,
    ModuleForm,
    NewCourseForm,
    QuizForm,
    RemoveForm,
    RestoreForm,
    TitleForm,
    TrainerForm,
    TrueFalseQuestionForm,
)
from lms.courses.queries import trainers_of
from lms.errors import abort_with
from lms.forms import ActionForm
from lms.inputs import stored_integer
from lms.policy import trainer_required
from lms.quizzes.kinds import KINDS
from lms.quizzes.models import QuestionKind
from lms.web import refusals_on, refused


def _draft(slug: str, *, manage_trainers: bool = False):
    draft = queries.draft_by_slug(slug)
    if draft is None:
        abort(404)
    allowed = can_manage_draft_trainers if manage_trainers else can_edit_draft
    if not allowed(current_user, draft):
        abort(403)
    return draft


def _module(draft, module_slug: str):
    module = draft.module(module_slug)
    if module is None:
        abort(404)
    return module


def _lesson(draft, lesson_slug: str):
    lesson = draft.lesson(lesson_slug)
    if lesson is None:
        abort(404)
    return lesson


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


# --- courses -------------------------------------------------------------------------------


@bp.get("/authoring")
@trainer_required
def index():
    return render_template("authoring/index.html", drafts=queries.editable_drafts(current_user))


@bp.route("/authoring/new", methods=["GET", "POST"])
@trainer_required
def new_course():
    form = NewCourseForm()
    if form.validate_on_submit():
        with refusals_on(form):
            draft = services.create_course(current_user, form.slug.data or "", **form.values())
            flash(_("Course created. Add modules and lessons, then publish it."), "success")
            return redirect(url_for("authoring.course", slug=draft.slug))
    return render_template("authoring/new.html", form=form), _status(form)


@bp.get("/authoring/<slug>")
@trainer_required
def course(slug: str):
    draft = _draft(slug)
    return render_template(
        "authoring/course.html", draft=draft, action_form=ActionForm(), module_form=TitleForm(prefix="new"),
        can_manage=can_manage_draft_trainers(current_user, draft),
    )  # fmt: skip


@bp.route("/authoring/<slug>/details", methods=["GET", "POST"])
@trainer_required
def details(slug: str):
    draft = _draft(slug)
    form = DetailsForm(obj=draft, current_language=draft.language)
    if request.method == "GET":
        form.audience.data = draft.audience.value
        form.completion_rule.data = draft.completion_rule.value
        form.outcomes.data = "\n".join(draft.outcomes or [])
    if form.validate_on_submit():
        with refusals_on(form):
            services.update_details(draft, **form.values())
            upload = form.image.data  # a file, or whatever a forged form put there (then: no file)
            is_file = isinstance(upload, FileStorage) and upload.filename
            data = upload.read(current_app.config["MAX_IMAGE_BYTES"] + 1) if is_file else None
            services.set_course_image(draft, data, form.image_alt.data, remove=form.remove_image.data)
            flash(_("Course details saved in the draft."), "success")
            return redirect(url_for("authoring.course", slug=slug))
    return render_template("authoring/details.html", draft=draft, form=form), _status(form)


@bp.post("/authoring/<slug>/publish")
@trainer_required
def publish(slug: str):
    draft = _draft(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        course = publishing.publish(draft, current_user)
    except publishing.PublishRefused as refusal:  # validated before anything was written
        return render_template(
            "authoring/course.html", draft=draft, action_form=ActionForm(), module_form=TitleForm(prefix="new"),
            can_manage=can_manage_draft_trainers(current_user, draft), problems=refusal.problems,
        ), 400  # fmt: skip
    flash(_("Published as version %(version)s. Learners see it now.", version=course.version), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.post("/authoring/<slug>/withdraw")
@trainer_required
def withdraw(slug: str):
    draft = _draft(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not draft.course.published:
        abort_with(400, _("This course is not published."))
    publishing.withdraw(draft)
    flash(_("The course is withdrawn: learners no longer see it. Their progress is kept."), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.get("/authoring/<slug>/export.zip")
@trainer_required
def export(slug: str):
    draft = _draft(slug)
    data = publishing.export_zip(draft)
    return current_app.response_class(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{draft.slug}.zip"'},
    )


@bp.route("/authoring/import", methods=["GET", "POST"])
@trainer_required
def import_archive():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        limit = current_app.config["AUTHORING_MAX_ARCHIVE_BYTES"]
        data = form.archive.data.read(limit + 1)
        with refusals_on(form):
            try:
                draft = publishing.import_archive(data, current_user)
            except publishing.PublishRefused as refusal:
                problems = refusal.problems  # listed under the form's message
                raise
            flash(_("Course imported and published as version %(version)s.", version=draft.course.version),
                  "success")  # fmt: skip
            return redirect(url_for("authoring.course", slug=draft.slug))
    return render_template("authoring/import.html", form=form, problems=problems), _status(form)


# --- modules -------------------------------------------------------------------------------


@bp.post("/authoring/<slug>/modules")
@trainer_required
def add_module(slug: str):
    draft = _draft(slug)
    form = TitleForm(prefix="new")
    if form.validate_on_submit():
        with refusals_on(form):
            module = services.add_module(draft, form.title.data)
            flash(_("Module added."), "success")
            return redirect(url_for("authoring.module", slug=slug, module_slug=module.slug))
    return render_template(
        "authoring/course.html", draft=draft, action_form=ActionForm(), module_form=form,
        can_manage=can_manage_draft_trainers(current_user, draft),
    ), 400  # fmt: skip


def _module_form(module) -> ModuleForm:
    """The module's form; a due moment shows as its day and time (UTC) unless just submitted."""
    form = ModuleForm(obj=module)
    if request.method == "GET" and module.due_at is not None:
        form.due_on.data, form.due_time.data = module.due_at.date(), module.due_at.time()
    return form


@bp.route("/authoring/<slug>/modules/<module_slug>", methods=["GET", "POST"])
@trainer_required
def module(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    form = _module_form(module)
    if form.validate_on_submit():
        with refusals_on(form):
            services.update_module(module, form.title.data, form.summary.data, form.due_on.data,
                                   form.due_time.data)  # fmt: skip
            flash(_("Module saved in the draft."), "success")
            return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))
    return render_template(
        "authoring/module.html", draft=draft, module=module, form=form, lesson_form=TitleForm(prefix="new"),
        action_form=ActionForm(),
    ), _status(form)  # fmt: skip


@bp.post("/authoring/<slug>/modules/<module_slug>/move")
@trainer_required
def move_module(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.move_module(module, request.form.get("direction", ""))
    except services.AuthoringError as error:
        return refused(error, url_for("authoring.course", slug=slug))
    return redirect(url_for("authoring.course", slug=slug) + f"#module-{module_slug}")


@bp.route("/authoring/<slug>/modules/<module_slug>/remove", methods=["GET", "POST"])
@trainer_required
def remove_module(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    back = url_for("authoring.module", slug=slug, module_slug=module_slug)
    if not _removal_confirmed():
        return _confirm_removal(draft, "module", module.title, back, module=module)
    title = module.title
    removals.remove_module(module, current_user)
    flash(_("Module “%(title)s” removed from the draft. You can restore it from the removed items.", title=title),
          "success")  # fmt: skip
    return redirect(url_for("authoring.course", slug=slug))


def _removal_confirmed() -> bool:
    """True for the confirmation page's POST; a GET (or a POST without the confirmation, such
    as an old page's Remove button) gets the confirmation page; 400 without a CSRF token."""
    if request.method == "GET":
        return False
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    return form.confirmed.data == "yes"


def _confirm_removal(draft, kind: str, title: str, back: str, **what):
    """The confirmation page: what will be removed, a Remove button, and the way back."""
    status = 200 if request.method == "GET" else 400
    form = RemoveForm(formdata=None)
    form.confirmed.data = "yes"
    return render_template(
        "authoring/remove.html", draft=draft, kind=kind, title=title, back=back, form=form, **what
    ), status


# --- lessons -------------------------------------------------------------------------------


@bp.post("/authoring/<slug>/modules/<module_slug>/lessons")
@trainer_required
def add_lesson(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    form = TitleForm(prefix="new")
    if form.validate_on_submit():
        with refusals_on(form):
            lesson = services.add_lesson(module, form.title.data, current_user)
            return redirect(url_for("authoring.lesson", slug=slug, lesson_slug=lesson.slug))
    return render_template(
        "authoring/module.html", draft=draft, module=module, form=_module_form(module), lesson_form=form,
        action_form=ActionForm(),
    ), 400  # fmt: skip


@bp.route("/authoring/<slug>/lessons/<lesson_slug>", methods=["GET", "POST"])
@trainer_required
def lesson(slug: str, lesson_slug: str):
    draft = _draft(slug)
    lesson = _lesson(draft, lesson_slug)
    form = LessonForm()
    if request.method == "GET":
        form.title.data, form.minutes.data, form.body.data = lesson.title, lesson.minutes, lesson.body
        form.revision.data = lesson.revision
    conflict = None
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = _preview(form, form.body.data or "")
        else:
            seen = stored_integer(form.revision.data) or 0
            with refusals_on(form):
                try:
                    changed = services.save_lesson(
                        lesson, seen_revision=seen, title=form.title.data, minutes=form.minutes.data,
                        body=form.body.data, author=current_user,
                    )  # fmt: skip
                except services.EditConflict:
                    conflict = _conflict(lesson, form, seen)  # `lesson` now holds their version
                    form.revision.data = lesson.revision  # saving again now is a deliberate overwrite
                    raise
                flash(_("Lesson saved.") if changed else _("Nothing had changed."), "success")
                return redirect(url_for("authoring.lesson", slug=slug, lesson_slug=lesson_slug))
    elif request.method == "GET":
        preview = _preview(form, lesson.body)
    status = 409 if conflict else _status(form) if request.method == "POST" else 200
    return render_template(
        "authoring/lesson.html", draft=draft, lesson=lesson, form=form, preview=preview, conflict=conflict,
        images=draft.images,
    ), status  # fmt: skip


def _preview(form, body: str) -> str | None:
    """The rendered body, or None with the renderer's refusal on the body field."""
    with refusals_on(form):
        return services.preview(body)
    return None


def _conflict(lesson, form, seen: int) -> dict:
    revisions = queries.revisions(lesson)
    latest = revisions[0] if revisions else None
    yours = (form.title.data or "", form.minutes.data or 0, services.normalise_body(form.body.data))
    theirs = (lesson.title, lesson.minutes, lesson.body)
    return {
        "revision": lesson.revision,
        "author": latest.author.full_name if latest and latest.author else "",
        "at": latest.created_at if latest else None,
        "html": _preview(form, lesson.body),
        "diff": queries.unified_diff(theirs, yours, _("their version"), _("your version")),
        "seen": seen,
    }


@bp.post("/authoring/<slug>/lessons/<lesson_slug>/move")
@trainer_required
def move_lesson(slug: str, lesson_slug: str):
    draft = _draft(slug)
    lesson = _lesson(draft, lesson_slug)
    module_slug = lesson.module.slug
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.move_lesson(lesson, request.form.get("direction", ""))
    except services.AuthoringError as error:
        return refused(error, url_for("authoring.module", slug=slug, module_slug=module_slug))
    return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))


@bp.route("/authoring/<slug>/lessons/<lesson_slug>/remove", methods=["GET", "POST"])
@trainer_required
def remove_lesson(slug: str, lesson_slug: str):
    draft = _draft(slug)
    lesson = _lesson(draft, lesson_slug)
    module_slug, title = lesson.module.slug, lesson.title
    back = url_for("authoring.module", slug=slug, module_slug=module_slug)
    if not _removal_confirmed():
        return _confirm_removal(draft, "lesson", title, back, lesson=lesson, module=lesson.module)
    removals.remove_lesson(lesson, current_user)
    flash(_("Lesson “%(title)s” removed from the draft. You can restore it from the removed items.", title=title),
          "success")  # fmt: skip
    return redirect(back)


@bp.get("/authoring/<slug>/lessons/<lesson_slug>/history")
@trainer_required
def history(slug: str, lesson_slug: str):
    draft = _draft(slug)
    lesson = _lesson(draft, lesson_slug)
    revisions = queries.revisions(lesson)
    entries = []
    for index, revision in enumerate(revisions):
        older = revisions[index + 1] if index + 1 < len(revisions) else None
        old = (older.title, older.minutes, older.body) if older else ("", 0, "")
        entries.append(
            (revision, queries.unified_diff(old, (revision.title, revision.minutes, revision.body),
                                            f"r{older.number if older else 0}", f"r{revision.number}"))
        )  # fmt: skip
    form = RestoreForm(revision=lesson.revision)
    return render_template("authoring/history.html", draft=draft, lesson=lesson, entries=entries, form=form)


@bp.post("/authoring/<slug>/lessons/<lesson_slug>/history/<int:number>/restore")
@trainer_required
def restore(slug: str, lesson_slug: str, number: int):
    draft = _draft(slug)
    lesson = _lesson(draft, lesson_slug)
    form = RestoreForm()
    seen = stored_integer(form.revision.data)
    if not form.validate_on_submit() or seen is None:
        abort(400)
    try:
        services.restore_revision(lesson, number, seen, current_user)
    except services.AuthoringError as error:
        return refused(error, url_for("authoring.history", slug=slug, lesson_slug=lesson_slug))
    flash(_("Revision %(n)s restored as a new revision.", n=number), "success")
    return redirect(url_for("authoring.lesson", slug=slug, lesson_slug=lesson_slug))


# --- quizzes -------------------------------------------------------------------------------


@bp.route("/authoring/<slug>/modules/<module_slug>/quiz", methods=["GET", "POST"])
@trainer_required
def quiz(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    form = QuizForm(data=module.quiz) if request.method == "GET" and module.quiz else QuizForm()
    if request.method == "GET" and not module.quiz:
        form.title.data = _("Check your understanding: %(module)s", module=module.title)[:200]
    if form.validate_on_submit():
        with refusals_on(form):
            services.set_quiz(module, form.title.data, form.pass_mark.data, form.max_attempts.data)
            flash(_("Quiz saved in the draft."), "success")
            return redirect(url_for("authoring.quiz", slug=slug, module_slug=module_slug))
    return render_template(
        "authoring/quiz.html", draft=draft, module=module, form=form, action_form=ActionForm()
    ), _status(form)


@bp.post("/authoring/<slug>/modules/<module_slug>/quiz/remove")
@trainer_required
def remove_quiz(slug: str, module_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_quiz(module)
    flash(_("Quiz removed from the draft."), "success")
    return redirect(url_for("authoring.module", slug=slug, module_slug=module_slug))


@bp.route("/authoring/<slug>/modules/<module_slug>/quiz/questions/new", methods=["GET", "POST"])
@bp.route("/authoring/<slug>/modules/<module_slug>/quiz/questions/<question_slug>", methods=["GET", "POST"])
@trainer_required
def question(slug: str, module_slug: str, question_slug: str | None = None):
    """The form of the question's kind, which is chosen first (`?kind=`, a GET form: no script)."""
    draft = _draft(slug)
    module = _module(draft, module_slug)
    if module.quiz is None:
        abort(404)
    existing = module.question(question_slug) if question_slug else None
    if question_slug and existing is None:
        abort(404)
    kind = _question_kind(request.values.get("kind") or (existing or {}).get("kind"))
    page = dict(draft=draft, module=module, question_slug=question_slug, kinds=KIND_LABELS, kind=kind)
    if kind is None:  # no type chosen yet (or a forged one): the choice of type
        status = 400 if request.method == "POST" or request.values.get("kind") else 200
        return render_template("authoring/question.html", form=None, **page), status
    form_class = QUESTION_FORMS[KINDS[kind].editor]
    if request.method == "GET" and existing:
        data = {"prompt": existing["prompt"], **form_class.initial(existing["options"])}
        form = form_class(data={**data, "kind": kind.value})
    else:
        form = form_class(data={"kind": kind.value})
    if isinstance(form, TrueFalseQuestionForm):
        form.set_answers(_true_false_answers(draft, kind, existing))
    if form.validate_on_submit():
        with refusals_on(form):
            services.save_question(module, question_slug, kind.value, form.prompt.data, form.option_values())
            flash(_("Question saved in the draft."), "success")
            return redirect(url_for("authoring.quiz", slug=slug, module_slug=module_slug))
    return render_template("authoring/question.html", form=form, **page), _status(form)


def _question_kind(value: str | None) -> QuestionKind | None:
    try:
        return QuestionKind(value) if value else None
    except ValueError:
        return None


def _true_false_answers(draft, kind: QuestionKind, existing: dict | None) -> list[dict]:
    """A true-or-false question's two answers: its own if it already was one (a file may word
    them as it likes), else "True" and "False" in the course's language."""
    options = (existing or {}).get("options", [])
    if existing and existing["kind"] == kind.value and len(options) == 2:
        return [{"slug": option["slug"], "text": option["text"]} for option in options]
    language = draft.language if draft.language in current_app.config["LANGUAGES"] else "en"
    with force_locale(language):
        texts = [_("True"), _("False")]
    slugs = [option["slug"] for option in options[:2]] if len(options) >= 2 else ["true", "false"]
    return [{"slug": slug, "text": text} for slug, text in zip(slugs, texts, strict=True)]


def _question_action(slug: str, module_slug: str, question_slug: str):
    """The module whose quiz holds the question a button acts on: 404 if absent, 400 without CSRF."""
    module = _module(_draft(slug), module_slug)
    if module.question(question_slug) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return module


@bp.post("/authoring/<slug>/modules/<module_slug>/quiz/questions/<question_slug>/move")
@trainer_required
def move_question(slug: str, module_slug: str, question_slug: str):
    module = _question_action(slug, module_slug, question_slug)
    target = url_for("authoring.quiz", slug=slug, module_slug=module_slug)
    try:
        services.move_question(module, question_slug, request.form.get("direction", ""))
    except services.AuthoringError as error:
        return refused(error, target)
    return redirect(target)


@bp.route(
    "/authoring/<slug>/modules/<module_slug>/quiz/questions/<question_slug>/remove", methods=["GET", "POST"]
)
@trainer_required
def remove_question(slug: str, module_slug: str, question_slug: str):
    draft = _draft(slug)
    module = _module(draft, module_slug)
    question = module.question(question_slug)
    if question is None:
        abort(404)
    back = url_for("authoring.quiz", slug=slug, module_slug=module_slug)
    if not _removal_confirmed():
        return _confirm_removal(draft, "question", question["prompt"], back, question=question, module=module)
    removals.remove_question(module, question_slug, current_user)
    flash(_("Question removed from the draft. You can restore it from the removed items."), "success")
    return redirect(back)


# --- removed items -------------------------------------------------------------------------


@bp.get("/authoring/<slug>/removed")
@trainer_required
def removed(slug: str):
    draft = _draft(slug)
    return render_template(
        "authoring/removed.html", draft=draft, removals=removals.removals(draft), action_form=ActionForm()
    )


@bp.post("/authoring/<slug>/removed/<int:removal_id>/restore")
@trainer_required
def restore_removed(slug: str, removal_id: int):
    draft = _draft(slug)
    removal = removals.removal_of(draft, removal_id)
    if removal is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        removals.restore(draft, removal, current_user)
    except services.AuthoringError as error:
        return refused(error, url_for("authoring.removed", slug=slug))
    flash(_("“%(title)s” restored in the draft.", title=removal.title), "success")
    if removal.kind == removals.LESSON:
        return redirect(
            url_for("authoring.lesson", slug=slug, lesson_slug=removal.snapshot["lesson"]["slug"])
        )
    if removal.kind == removals.MODULE:
        return redirect(
            url_for("authoring.module", slug=slug, module_slug=removal.snapshot["module"]["slug"])
        )
    return redirect(url_for("authoring.quiz", slug=slug, module_slug=removal.snapshot["module"]))


# --- images and co-trainers ----------------------------------------------------------------


@bp.route("/authoring/<slug>/images", methods=["GET", "POST"])
@trainer_required
def images(slug: str):
    draft = _draft(slug)
    form = ImageForm()
    added = None
    if form.validate_on_submit():
        data = form.image.data.read(current_app.config["MAX_IMAGE_BYTES"] + 1)
        with refusals_on(form):
            added = services.add_image(draft, data, form.image.data.filename or "", form.alt.data)
            flash(_("Image uploaded. Copy its Markdown snippet into a lesson."), "success")
    return render_template("authoring/images.html", draft=draft, form=form, added=added), _status(form)


@bp.route("/authoring/<slug>/trainers", methods=["GET", "POST"])
@trainer_required
def trainers(slug: str):
    draft = _draft(slug)
    can_manage = can_manage_draft_trainers(current_user, draft)
    form = TrainerForm()
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            with refusals_on(form):
                services.add_co_trainer(draft, find_by_email(form.email.data))
                flash(_("Co-trainer added."), "success")
                return redirect(url_for("authoring.trainers", slug=slug))
    return render_template(
        "authoring/trainers.html", draft=draft, form=form, trainers=trainers_of(draft.course_id),
        can_manage=can_manage, remove_form=ActionForm(),
    ), _status(form)  # fmt: skip


@bp.post("/authoring/<slug>/trainers/<int:user_id>/remove")
@trainer_required
def remove_trainer(slug: str, user_id: int):
    draft = _draft(slug, manage_trainers=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_co_trainer(draft, user_id)
    except services.AuthoringError as error:
        return refused(error, url_for("authoring.trainers", slug=slug))
    flash(_("Co-trainer removed."), "success")
    return redirect(url_for("authoring.trainers", slug=slug))
