"""Publishing a participation brief in the hub: administrators only. The dashboard's filters come
in the query string and are validated as the downloads validate them (400 with the reasons)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.evidence import bp, services
from lms.evidence.forms import BriefForm
from lms.i18n import interface_language
from lms.policy import admin_required
from lms.reports.brief import findings
from lms.reports.participation import requested_filter
from lms.web import refusals_on


def _item_url(item) -> str:
    return url_for("hub.item", kind=item.kind.value, slug=item.slug)


@bp.route("/reports/participation/publish", methods=["GET", "POST"])
@admin_required
def publish():
    report_filter, filters = requested_filter(request.args, current_user)
    today = datetime.now(UTC).date()
    form = BriefForm()
    if form.validate_on_submit():
        with refusals_on(form):
            published = services.publish_brief(
                report_filter, title=form.title.data, summary=form.summary.data, language=form.language.data,
                licence=form.licence.data, themes=form.themes.data, day=today,
            )  # fmt: skip
            if published.created:
                flash(_("The policy brief is published in the knowledge hub."), "success")
            else:
                flash(
                    _("This brief was already published today, with the same filters and language."), "info"
                )
            return redirect(_item_url(published.item))
    report = services.protected_report(report_filter)
    sentences = [] if report.empty else findings(report)
    if not form.is_submitted():
        form.title.data = services.default_title(report_filter, today)
        form.summary.data = sentences[0] if sentences else ""
        form.language.data = interface_language()
    already = services.published_today(report_filter, current_app.config["LANGUAGES"], today)
    page = render_template(
        "evidence/publish.html",
        form=form,
        report=report,
        findings=sentences,
        already=[(item, _item_url(item)) for item in already],
        filter_args=filters.filter_values(),
    )
    return page, 422 if form.errors else 200
