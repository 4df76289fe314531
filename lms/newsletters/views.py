"""Newsletter pages: subscribe, confirm, unsubscribe, the archive, and the editors' pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.extensions import csrf, limiter
from lms.forms import ActionForm
from lms.hub.review import editor_required
from lms.hub.vocabulary import THEMES
from lms.i18n import interface_language, language_name
from lms.newsletters import bp, services
from lms.newsletters.forms import IssueForm, SubscribeForm
from lms.policy import public
from lms.web import refusals_on

MAX_TOKEN = 500


def _subscribe_limit() -> str:
    return current_app.config["NEWSLETTER_RATE_LIMIT"]


def _language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in services.languages()]


@bp.get("/hub/newsletters")
@public
def archive():
    return render_template("hub/newsletter_archive.html", issues=services.archived())


@bp.get("/hub/newsletters/<int:number>")
@public
def issue(number: int):
    found = services.issue_by_number(number)
    if found is None or found.is_draft:
        abort(404)
    return render_template("hub/newsletter_issue.html", issue=found, preview=False)


@bp.route("/hub/newsletters/subscribe", methods=["GET", "POST"])
@public
@limiter.limit(_subscribe_limit, methods=["POST"])
def subscribe():
    """Answers the same whether the address is new, waiting or subscribed."""
    form = SubscribeForm()
    form.languages.choices = _language_choices()
    form.themes.choices = [(key, str(label)) for key, label in THEMES.items()]
    if not form.is_submitted():
        form.languages.data = [interface_language()]
    if form.validate_on_submit():
        with refusals_on(form):
            services.request_subscription(form.email.data, form.languages.data, form.themes.data)
            return render_template("hub/newsletter_requested.html")
    return render_template("hub/newsletter_subscribe.html", form=form), 400 if form.errors else 200


def _confirmation(token: str):
    if len(token) > MAX_TOKEN:
        return "invalid", None
    return services.read_confirmation(token)


def _refused(state: str):
    """A clear page for a link that cannot be used: 400 if forged, 410 if expired or used."""
    return render_template("hub/newsletter_link.html", state=state), 400 if state == "invalid" else 410


@bp.get("/hub/newsletters/confirm/<token>")
@public
def confirm(token: str):
    """Asks before subscribing: mail scanners follow links, and a GET must change nothing."""
    state, request = _confirmation(token)
    if request is None:
        return _refused(state)
    return render_template(
        "hub/newsletter_confirm.html",
        request=request,
        languages=[language_name(code) for code in request.languages.split()],
        themes=[str(THEMES[theme]) for theme in request.themes.split() if theme in THEMES],
        form=ActionForm(),
    )


@bp.post("/hub/newsletters/confirm/<token>")
@public
@limiter.limit(_subscribe_limit)
def confirm_now(token: str):
    state, request = _confirmation(token)
    if request is None:
        return _refused(state)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.confirm(request) is None:
        return _refused("used")
    return render_template("hub/newsletter_confirmed.html")


def _unsubscribe_token(token: str):
    genuine, subscriber = services.read_unsubscribe_token(token) if len(token) <= MAX_TOKEN else (False, None)
    if not genuine:
        abort(404)
    return subscriber


@bp.get("/hub/newsletters/unsubscribe/<token>")
@public
def unsubscribe(token: str):
    subscriber = _unsubscribe_token(token)
    return render_template("hub/newsletter_unsubscribe.html", done=subscriber is None)


@bp.post("/hub/newsletters/unsubscribe/<token>")
@public
@csrf.exempt  # RFC 8058: a mail client posts `List-Unsubscribe=One-Click` with no session; the token authorises
def unsubscribe_now(token: str):
    subscriber = _unsubscribe_token(token)
    if subscriber is not None:
        services.unsubscribe(subscriber)
    return render_template("hub/newsletter_unsubscribe.html", done=True)


# --- editors ------------------------------------------------------------------------------------


@bp.get("/hub/newsletters/manage")
@editor_required
def manage():
    return render_template("hub/newsletter_manage.html", issues=services.all_issues())


def _issue_form(issue=None) -> IssueForm:
    data = None
    if issue is not None:
        data = {
            "subject": issue.subject,
            "language": issue.language,
            "introduction": issue.introduction,
            "items": [entry.item_id for entry in issue.entries],
        }
    form = IssueForm(data=data)
    form.language.choices = _language_choices()
    form.items.choices = [(item.id, item.title) for item in services.publishable_items()]
    return form


def _save(form: IssueForm, issue=None):
    with refusals_on(form):
        saved = services.save_issue(
            issue,
            subject=form.subject.data,
            language=form.language.data,
            introduction=form.introduction.data or "",
            item_ids=form.items.data or [],
            author=current_user,
        )
        return redirect(url_for("newsletters.preview", number=saved.number))
    return None


@bp.route("/hub/newsletters/new", methods=["GET", "POST"])
@editor_required
def new():
    form = _issue_form()
    if form.validate_on_submit() and (response := _save(form)) is not None:
        return response
    return render_template("hub/newsletter_compose.html", form=form, issue=None), 400 if form.errors else 200


def _draft_or_404(number: int):
    found = services.issue_by_number(number)
    if found is None:
        abort(404)
    return found


@bp.route("/hub/newsletters/<int:number>/edit", methods=["GET", "POST"])
@editor_required
def edit(number: int):
    found = _draft_or_404(number)
    if not found.is_draft:
        abort(409)
    form = _issue_form(found) if not IssueForm().is_submitted() else _issue_form()
    if form.validate_on_submit() and (response := _save(form, found)) is not None:
        return response
    return render_template("hub/newsletter_compose.html", form=form, issue=found), 400 if form.errors else 200


@bp.get("/hub/newsletters/<int:number>/preview")
@editor_required
def preview(number: int):
    found = _draft_or_404(number)
    return render_template(
        "hub/newsletter_issue.html",
        issue=found,
        preview=True,
        recipients=services.recipient_count(found) if found.is_draft else None,
        form=ActionForm(),
    )


@bp.post("/hub/newsletters/<int:number>/test")
@editor_required
def send_test(number: int):
    found = _draft_or_404(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.send_test(found, current_user.email)
    flash(_("A test copy is on its way to your address."), "success")
    return redirect(url_for("newsletters.preview", number=number))


@bp.post("/hub/newsletters/<int:number>/send")
@editor_required
def send(number: int):
    found = _draft_or_404(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not found.is_draft:
        abort(409)
    services.start_sending(found)
    flash(_("The issue is being sent in batches; it is in the archive now."), "success")
    return redirect(url_for("newsletters.manage"))
