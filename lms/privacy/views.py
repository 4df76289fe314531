"""Your data (download, delete) and the same for administrators, on a person's request."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lms.accounts.models import User
from lms.extensions import db
from lms.forms import ActionForm
from lms.policy import admin_required, login_required
from lms.privacy import bp, records, services
from lms.privacy.forms import AdminEraseForm, OwnEraseForm
from lms.web import refusals_on


def _zip(person: User) -> Response:
    response = Response(records.archive(person), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="personal-data.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/account/data")
@login_required
def mine():
    return render_template("privacy/mine.html", action_form=ActionForm(), form=OwnEraseForm())


@bp.post("/account/data/download")
@login_required
def download_mine():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.record_download(current_user, actor=current_user)
    return _zip(current_user)


@bp.post("/account/delete")
@login_required
def erase_mine():
    form = OwnEraseForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.erase_own(current_user, form.password.data)
            logout_user()
            flash(_("Your account has been deleted and your personal data erased."), "success")
            return redirect(url_for("web.home"))
    return render_template("privacy/mine.html", action_form=ActionForm(), form=form), 400


def _person(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _admin_page(person: User, form=None, status: int = 200):
    return render_template(
        "privacy/person.html", person=person, action_form=ActionForm(), form=form or AdminEraseForm()
    ), status


@bp.get("/admin/users/<int:user_id>/data")
@admin_required
def person(user_id: int):
    return _admin_page(_person(user_id))


@bp.post("/admin/users/<int:user_id>/data/download")
@admin_required
def download_person(user_id: int):
    person = _person(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.record_download(person, actor=current_user)
    return _zip(person)


@bp.post("/admin/users/<int:user_id>/delete")
@admin_required
def erase_person(user_id: int):
    person = _person(user_id)
    form = AdminEraseForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.erase_for(person, admin=current_user, password=form.password.data)
            flash(_("The account's personal data has been erased."), "success")
            return redirect(url_for("privacy.person", user_id=person.id))
    return _admin_page(person, form, 400)
