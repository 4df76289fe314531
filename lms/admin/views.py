"""Administrators manage people here."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.admin import bp
from lms.admin.forms import UserAccessForm, UserSearchForm
from lms.admin.queries import users_matching
from lms.database import paginate
from lms.extensions import db
from lms.policy import admin_required
from lms.roles import Role
from lms.web import refusals_on

SEARCH_KEY = "admin_user_search"


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = UserSearchForm(data=session.get(SEARCH_KEY, {}))
    if request.method == "POST":
        if form.validate_on_submit():
            session[SEARCH_KEY] = {"q": form.q.data or "", "role": form.role.data or ""}
            return redirect(url_for("admin.users"))
        return render_template("admin/users.html", form=form, page=None), 400
    criteria = session.get(SEARCH_KEY, {})
    page = paginate(
        users_matching(criteria.get("q", ""), criteria.get("role", "")),
        per_page=current_app.config["USERS_PER_PAGE"],
    )
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = UserAccessForm(obj=person)
    if request.method == "GET":
        form.role.data = Role(person.role).value
    if form.validate_on_submit():
        with refusals_on(form):
            accounts.set_role(person, Role(form.role.data), actor=current_user)
            accounts.set_active(person, form.active.data, actor=current_user)
            flash(_("Saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form), 400 if form.errors else 200
