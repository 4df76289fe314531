"""Contributors' and editors' pages: submit, my submissions, the review queue, the editors list.

Any signed-in active account may contribute; a submission is seen only by its contributor and
the editors (404 to everyone else, so its existence is not revealed). Editors' pages answer 403
to other signed-in people.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.services import normalise_email
from lms.content.markup import render_markdown
from lms.extensions import db
from lms.forms import ActionForm
from lms.hub import bp, review
from lms.hub.models import Kind
from lms.hub.review import editor_required
from lms.hub.services import HubError
from lms.hub.submissions import InvalidMove, Move, Submission
from lms.hub.submit_forms import (
    MOVE_LABELS,
    EditorForm,
    PracticeForm,
    PublicationEditForm,
    PublicationForm,
    ReviewForm,
)
from lms.policy import admin_required, login_required
from lms.roles import Role


def _load(submission_id: int) -> Submission:
    """The submission if the visitor is its contributor or an editor; 404 otherwise."""
    submission = db.get_or_404(Submission, submission_id)
    if submission.contributor_id != current_user.id and not review.is_editor(current_user):
        abort(404)
    return submission


def _pdf(form) -> tuple[bytes, str] | None:
    upload = form.pdf.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return upload.read(current_app.config["MAX_PDF_BYTES"] + 1), upload.filename


def _save(form, kind: Kind, submission: Submission | None):
    """Submit or update; a refused PDF becomes an error on its field (nothing written)."""
    pdf = _pdf(form) if kind == Kind.PUBLICATION else None
    try:
        if submission is None:
            submission = review.submit(current_user, kind, form, pdf)
        else:
            review.update(submission, form, current_user, pdf)
    except HubError as error:
        db.session.rollback()
        form.pdf.errors = [*form.pdf.errors, str(error)]
        return None
    return submission


@bp.route("/hub/submit/<kind>", methods=["GET", "POST"])
@login_required
def submit(kind: str):
    if kind not in (Kind.PRACTICE.value, Kind.PUBLICATION.value):
        abort(404)
    form = PracticeForm() if kind == Kind.PRACTICE else PublicationForm()
    if form.validate_on_submit():
        submission = _save(form, Kind(kind), None)
        if submission is not None:
            flash(_("Thank you. Your contribution was sent to the hub's editors."), "success")
            return redirect(url_for("hub.submission", submission_id=submission.id))
    return render_template(
        "hub/submit.html", form=form, kind=kind, submission=None
    ), 422 if form.errors else 200


@bp.get("/hub/submissions")
@login_required
def my_submissions():
    return render_template("hub/submissions.html", submissions=review.mine(current_user))


@bp.get("/hub/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    submission = _load(submission_id)
    item = submission.item
    form = ReviewForm() if review.is_editor(current_user) else None
    return render_template(
        "hub/submission.html",
        submission=submission,
        item=item,
        body_html=Markup(render_markdown(item.body)),  # noqa: S704 (sanitised by render_markdown)
        form=form,
        moves=[move for move in review.AUDIT_ACTIONS if submission.allows(move)],
        move_labels=MOVE_LABELS,
    )


@bp.route("/hub/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@login_required
def edit_submission(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    if submission.contributor_id != current_user.id:
        abort(404)
    if not submission.editable:
        abort(409)
    item = submission.item
    form_class = PracticeForm if item.kind == Kind.PRACTICE else PublicationEditForm
    form = form_class()
    if request.method == "GET":
        _prefill(form, item)
    elif form.validate_on_submit() and _save(form, item.kind, submission) is not None:
        flash(_("Your changes were saved and sent to the editors."), "success")
        return redirect(url_for("hub.submission", submission_id=submission.id))
    return render_template("hub/submit.html", form=form, kind=item.kind.value, submission=submission), (
        422 if form.errors else 200
    )


def _prefill(form, item) -> None:
    form.title.data, form.summary.data = item.title, item.summary
    form.institution.data, form.contact_email.data = item.institution, item.contact_email
    form.country.data = (item.countries or [""])[0]
    form.themes.data, form.audience.data = item.themes, item.audiences
    form.language.data, form.licence.data, form.year.data = item.language, item.licence, item.year
    if item.kind == Kind.PRACTICE:
        for name in ("problem", "what_was_done", "results", "cost", "reuse", "contact"):
            getattr(form, name).data = (item.parts or {}).get(name, "")
    else:
        form.publication_type.data = item.publication_type


@bp.get("/hub/review")
@editor_required
def review_queue():
    return render_template("hub/review.html", submissions=review.queue())


@bp.post("/hub/review/<int:submission_id>")
@editor_required
def decide(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review.decide(submission, current_user, Move(form.move.data), form.comment.data or "")
    except InvalidMove:
        db.session.rollback()
        flash(
            _("That decision is not possible now (a comment may be missing, or the state changed)."), "error"
        )
        return redirect(url_for("hub.submission", submission_id=submission_id))
    flash(_("Decision recorded; the contributor was told."), "success")
    return redirect(url_for("hub.review_queue"))


@bp.route("/hub/editors", methods=["GET", "POST"])
@admin_required
def editors():
    form = EditorForm()
    if form.validate_on_submit():
        user = db.session.execute(
            select(User).where(User.email == normalise_email(form.email.data))
        ).scalar_one_or_none()
        if user is None or not user.is_active:
            form.email.errors = [*form.email.errors, _("No active account has this email address.")]
        elif Role(user.role).includes(Role.ADMIN):
            form.email.errors = [*form.email.errors, _("Administrators are editors already.")]
        else:
            review.grant_editor(user, current_user)
            flash(_("%(name)s is now an editor of the hub.", name=user.full_name), "success")
            return redirect(url_for("hub.editors"))
    return render_template(
        "hub/editors.html", form=form, editors=review.editors(), action_form=ActionForm()
    ), (422 if form.errors else 200)


@bp.post("/hub/editors/<int:user_id>/remove")
@admin_required
def remove_editor(user_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if not review.revoke_editor(user_id):
        abort(404)
    flash(_("The editor role was removed."), "success")
    return redirect(url_for("hub.editors"))
