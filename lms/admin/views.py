"""Administrators manage people and read the audit log here."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import audit
from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.admin import bp
from lms.admin.forms import ACTION_LABELS, AuditFilterForm, UserAccessForm, UserSearchForm
from lms.admin.jobs import AUDIT_CSV
from lms.admin.queries import AuditFilter, audit_entries, people_by_id, users_matching
from lms.database import paginate
from lms.extensions import db
from lms.forms import ActionForm
from lms.jobs import services as jobs
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


AUDIT_KEY = "admin_audit_filter"


@bp.route("/audit", methods=["GET", "POST"])
@admin_required
def audit_log():
    """The audit log, filtered by person, action and dates; the filter lives in the session."""
    chosen = AuditFilter.from_session(session.get(AUDIT_KEY))
    form = AuditFilterForm(
        data={"action": chosen.action, "since": chosen.since, "until": chosen.until}
        if request.method == "GET"
        else None
    )
    if request.method == "GET" and chosen.person_id is not None:
        person = db.session.get(User, chosen.person_id)
        form.person.data = person.email if person is not None else ""
    if request.method == "POST":
        if form.validate_on_submit():
            person_id = None
            if (form.person.data or "").strip():
                person = accounts.find_by_email(form.person.data)
                if person is None:
                    form.person.errors.append(_("No account has this email address."))
                    return render_template(
                        "admin/audit.html", form=form, page=None, labels=ACTION_LABELS
                    ), 400
                person_id = person.id
            chosen = AuditFilter(person_id, form.action.data or "", form.since.data, form.until.data)
            session[AUDIT_KEY] = chosen.to_session()
            return redirect(url_for("admin.audit_log"))
        return render_template("admin/audit.html", form=form, page=None, labels=ACTION_LABELS), 400
    page = paginate(audit_entries(chosen), per_page=current_app.config["AUDIT_ENTRIES_PER_PAGE"])
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        people=people_by_id(page.items),
        labels=ACTION_LABELS,
        export_form=ActionForm(),
    )


@bp.post("/audit/export")
@admin_required
def audit_export():
    """The filtered log as CSV, made by a job (its page shows progress and the download); the
    export is itself logged when it is asked for."""
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = AuditFilter.from_session(session.get(AUDIT_KEY)).to_session()
    audit.record(audit.Action.AUDIT_EXPORTED, details={"filter": chosen})
    job = jobs.start(AUDIT_CSV.name, current_user, {"filter": chosen})
    return redirect(url_for("jobs.show", job_id=job.id))
