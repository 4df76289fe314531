"""The notifications page, notification settings and the unsubscribe link of every mail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.extensions import csrf
from lms.forms import ActionForm
from lms.mail import bounce_of, clear_bounce
from lms.notifications import bp, services
from lms.notifications.forms import PreferencesForm, kind_fields
from lms.notifications.models import Kind, Mode
from lms.policy import login_required, public


@bp.get("/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html",
        notifications=services.latest(current_user.id),
        action_form=ActionForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user.id)
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    chosen = services.preferences(current_user.id)
    form = PreferencesForm(data={f"kind_{kind.value}": mode.value for kind, mode in chosen.items()})
    if form.validate_on_submit():
        for kind in Kind:
            services.set_preference(current_user.id, kind, Mode(getattr(form, f"kind_{kind.value}").data))
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "notifications/preferences.html",
        form=form,
        fields=kind_fields(form),
        bounce=bounce_of(current_user.email),
        action_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.post("/account/notifications/bounce")
@login_required
def clear_my_bounce():
    """The person says their mailbox works again: mail to it resumes."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if clear_bounce(current_user.email):
        flash(_("We will send email to your address again."), "success")
    return redirect(url_for("notifications.preferences"))


def _token_or_404(token: str):
    found = services.read_unsubscribe_token(token) if len(token) <= 500 else None
    if found is None:
        abort(404)
    return found


def _kind_label(kind: str) -> str:
    return _("Weekly digest") if kind == services.DIGEST else str(services.KIND_LABELS[Kind(kind)])


@bp.get("/unsubscribe/<token>")
@public
def unsubscribe(token: str):
    """Asks before changing anything: mail scanners follow links, and a GET must not unsubscribe."""
    _user, kind = _token_or_404(token)
    return render_template("notifications/unsubscribe.html", kind=_kind_label(kind), done=False)


@bp.post("/unsubscribe/<token>")
@public
@csrf.exempt  # RFC 8058: a mail client posts `List-Unsubscribe=One-Click` with no session; the token authorises
def unsubscribe_now(token: str):
    user, kind = _token_or_404(token)
    services.unsubscribe(user, kind)
    return render_template("notifications/unsubscribe.html", kind=_kind_label(kind), done=True)
