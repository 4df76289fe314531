"""Publishing a participation brief in the hub: the protected report of a filter, its PDF in the
chosen language, and a published hub publication holding both.

Only the protected report is ever read here (lms.reports.disclosure): the hub is public, so the
item's text, its PDF and its search index carry the perturbed figures that the downloads for
publication carry, never exact ones. Like every service it only flushes; the request commits.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from lms import audit
from lms.columns import utcnow
from lms.database import insert_unless_present
from lms.errors import DomainError
from lms.extensions import db
from lms.hub.models import Author, Facet, Item, Kind, Status
from lms.hub.services import HubError, attach_pdf, publish, reindex
from lms.hub.vocabulary import direction_of
from lms.i18n import speaking
from lms.reports.breakdowns import IN_BRIEF
from lms.reports.brief import filters_line, findings, method, period, policy_brief
from lms.reports.measures import Report
from lms.reports.participation import participation_report
from lms.reports.queries import ReportFilter

PUBLICATION_TYPE = "policy-brief"


class BriefRefused(DomainError):
    """The brief cannot be published (nothing to report, its PDF refused); the message says why."""


@dataclass(frozen=True)
class Published:
    item: Item
    created: bool  # False: the same brief was already in the hub (a repeat or a double click)


def brief_slug(report_filter: ReportFilter, language: str, day: date) -> str:
    """The same filters, language and day always give the same slug: the database's unique
    slug is what makes a repeated or concurrent publication one item."""
    filters = json.dumps(report_filter.described, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(filters.encode()).hexdigest()[:10]
    return f"participation-brief-{day:%Y%m%d}-{language}-{digest}"


def _by_slug(slugs: list[str]) -> list[Item]:
    return list(db.session.execute(select(Item).where(Item.slug.in_(slugs)).order_by(Item.id)).scalars())


def published_today(report_filter: ReportFilter, languages: list[str], day: date) -> list[Item]:
    """The briefs of this filter already published on `day`, in any of `languages`."""
    return _by_slug([brief_slug(report_filter, language, day) for language in languages])


def protected_report(report_filter: ReportFilter) -> Report:
    """The report a brief is made from: protected, with the brief's breakdowns."""
    return participation_report(report_filter, IN_BRIEF, protected=True)


def default_title(report_filter: ReportFilter, day: date) -> str:
    start, end = report_filter.enrolled_from, report_filter.enrolled_to
    if start and end:
        return _("Participation by gender, %(start)s to %(end)s", start=format_date(start, "long"), end=format_date(end, "long"))  # fmt: skip
    if start:
        return _("Participation by gender, from %(start)s", start=format_date(start, "long"))
    return _("Participation by gender, up to %(end)s", end=format_date(end or day, "long"))


def _text(text: str) -> str:
    """Report text (sentences, course titles) as literal Markdown: no emphasis, link or tag."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", " ".join(text.split()))
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def brief_body(report: Report) -> str:
    """The item's Markdown: period and filters, the written findings, then the method note (the
    disclosure control included), in the current language."""
    lines = [_text(period(report)), "", _text(filters_line(report)), "", f"## {_('Findings')}", ""]
    lines += [f"- {_text(sentence)}" for sentence in findings(report)]
    lines += ["", f"## {_('Method')}"]
    for paragraph in method(report.threshold):
        lines += ["", _text(paragraph)]
    return "\n".join(lines) + "\n"


def publish_brief(
    report_filter: ReportFilter,
    *,
    title: str,
    summary: str,
    language: str,
    licence: str,
    themes: list[str],
    day: date,
) -> Published:
    """Publish the brief of `report_filter` in `language` as a hub publication by the centre,
    with its PDF attached (checked and indexed as any hub PDF) and an audit entry. Returns the
    existing item instead when the same brief (filters, language, day) is already there, also
    when a concurrent request published it a moment before. Raises BriefRefused when fewer
    people match than can be reported or the PDF is refused; nothing is written then."""
    slug = brief_slug(report_filter, language, day)
    existing = _by_slug([slug])
    if existing:
        return Published(existing[0], created=False)
    with speaking(language):
        report = protected_report(report_filter)  # group labels (countries) in the brief's language
        if not report.empty:
            pdf, body = policy_brief(report), brief_body(report)
    if report.empty:
        raise BriefRefused(
            _(
                "Fewer than %(n)d enrolments match these filters (after perturbation): there is "
                "nothing to publish without exposing people.",
                n=report.threshold,
            )
        )
    # INSERT ... ON CONFLICT DO NOTHING claims the slug before any file is written: a request
    # that published the same brief a moment before (a double click) makes it insert nothing.
    claimed = db.session.execute(
        insert_unless_present(Item)
        .values(
            kind=Kind.PUBLICATION, slug=slug, title=" ".join(title.split()), summary=" ".join(summary.split()),
            body=body, parts={}, language=language, direction=direction_of(language), year=day.year,
            licence=licence, publication_type=PUBLICATION_TYPE, illustrative=False, keywords=[],
            status=Status.DRAFT, search_text="",
        )
        .returning(Item.id)
    ).scalar_one_or_none()  # fmt: skip
    if claimed is None:
        return Published(_by_slug([slug])[0], created=False)
    item = db.session.get(Item, claimed)
    item.authors = [Author(position=0, type="organisation", name=current_app.config["SITE_NAME"])]
    facets = [("theme", value) for value in dict.fromkeys(themes)]
    if report_filter.country:
        facets.append(("country", report_filter.country))
    item.facets = [Facet(facet=facet, value=value, position=n) for n, (facet, value) in enumerate(facets)]
    try:
        attach_pdf(item, pdf, f"{slug}.pdf")
    except HubError as error:
        raise BriefRefused(str(error)) from None
    publish(item, utcnow())
    reindex(item)
    db.session.flush()
    audit.record(audit.Action.HUB_BRIEF_PUBLISHED, details={"item": item.id, "language": language})
    return Published(item, created=True)
