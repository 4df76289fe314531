"""The policy brief: a few PDF pages built with reportlab, always from a protected report.

Written findings (sentences made from the published figures), the period covered and the
population, headline figures, the parity indices, bars by gender (each labelled with its
gender and figure; a hidden figure has no bar but says why), tables by country and by course,
and the method note, with page numbers. Every piece of text, table cells included, is set by
lms.typography (the certificates' typesetting, fonts embedded): see lms.reports.typeset.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from lms.accounts.models import Gender
from lms.reports.breakdowns import BREAKDOWNS, IN_BRIEF
from lms.reports.disclosure import method_note
from lms.reports.measures import (
    ALL,
    GENDER_LABELS,
    GENDERS,
    MEASURE_LABELS,
    RATES,
    SHORT_GENDER_LABELS,
    Report,
)
from lms.reports.typeset import INK, GenderBars, Line, Text
from lms.typography.coverage import SHIPPED_FONTS
from lms.typography.typesetting import draw_text_line, register_fonts

HEADLINE = (
    "enrolled",
    "started",
    "completed",
    "certified",
    *RATES,
    "average_best_score",
    "median_days_to_completion",
)
WIDTH = A4[0] - 36 * mm


def policy_brief(report: Report) -> bytes:
    """The brief as PDF bytes, in the current interface language (English, French, Arabic)."""
    if not report.protected:
        raise ValueError("the policy brief is for publication: build it from a protected report")
    # Built twice: the first pass counts the pages, so that each can say "page n of N".
    pages = _build(report, None)[1]
    return _build(report, pages)[0]


def _build(report: Report, total: int | None) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=_("Participation by gender — policy brief"), author=current_app.config["SITE_NAME"],
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=18 * mm,
    )  # fmt: skip
    seen = []

    def footer(canvas, document):
        seen.append(document.page)
        canvas.saveState()
        canvas.setFillColor(INK)
        text = _("Page %(page)d of %(pages)d", page=document.page, pages=total or 0)
        draw_text_line(canvas, text, A4[0] / 2, 9 * mm, 7.5, "centre")
        canvas.restoreState()

    # No standard font either: reportlab would otherwise name Helvetica, unembedded, on every page.
    register_fonts()
    doc.initialFontName = SHIPPED_FONTS[0].name
    doc.build(_story(report), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), len(seen)


def _heading(text: str) -> Text:
    return Text(text, 11.5, after=4)


def _story(report: Report) -> list:
    story = [
        Text(_("Participation by gender — policy brief"), 17, after=5),
        Text(f"{current_app.config['SITE_NAME']} · {format_date(datetime.now(UTC).date(), 'long')}", 9),
        Text(period(report), 9),
        Text(filters_line(report), 9),
        Spacer(1, 3 * mm),
    ]
    if report.empty:
        text = _(
            "Fewer than %(n)d enrolments match these filters (after perturbation): nothing can be "
            "reported without exposing people.",
            n=report.threshold,
        )
        story.append(Text(text, 9.5))
    else:
        story.append(_heading(_("Findings")))
        story += [Text(f"• {sentence}", 9.5) for sentence in findings(report)]
        story += [Spacer(1, 2 * mm), _heading(_("Headline figures")), _headline_table(report)]
        story += [Spacer(1, 3 * mm), _heading(_("Gender parity index")), _parity_table(report)]
        story += [Spacer(1, 3 * mm), _heading(_("Rates by gender")), _bars(report)]
        for name in IN_BRIEF:
            breakdown = report.breakdowns.get(name)
            if breakdown and breakdown.groups:
                label = _("By %(breakdown)s", breakdown=str(BREAKDOWNS[name].label).lower())
                story += [Spacer(1, 3 * mm), _heading(label), _breakdown_table(report, name)]
    story += [Spacer(1, 3 * mm), _heading(_("Method"))]
    story += [Text(text, 8.5) for text in method(report.threshold)]
    return story


def period(report: Report) -> str:
    """The period the report covers, as a sentence."""
    chosen = report.filter
    start, end = chosen.enrolled_from, chosen.enrolled_to
    if start and end:
        return _("Period covered: enrolments from %(start)s to %(end)s.", start=format_date(start, "long"), end=format_date(end, "long"))  # fmt: skip
    if start:
        return _("Period covered: enrolments from %(start)s to the date of this brief.", start=format_date(start, "long"))  # fmt: skip
    if end:
        return _("Period covered: every enrolment up to %(end)s.", end=format_date(end, "long"))
    return _("Period covered: every enrolment up to the date of this brief.")


def findings(report: Report) -> list[str]:
    """Headline findings in sentences, from the published (protected) figures only."""
    overall = report.overall
    women, men = Gender.WOMAN.value, Gender.MAN.value
    shown = {g: report.count("enrolled", overall, g).text for g in (*GENDERS, ALL)}
    sentences = [
        _(
            "%(all)s enrolments: %(women)s by women, %(men)s by men, %(another)s by people of another "
            "gender identity and %(unstated)s by people who did not state a gender.",
            all=shown[ALL],
            women=shown[women],
            men=shown[men],
            another=shown["another"],
            unstated=shown["unstated"],
        )  # fmt: skip
    ]
    for rate in RATES:
        her, his = report.rate(rate, overall, women), report.rate(rate, overall, men)
        name = str(MEASURE_LABELS[rate])
        if her.hidden or his.hidden or her.number is None or his.number is None:
            sentences.append(
                _(
                    "%(rate)s: women and men cannot be compared, as one of the two rates is not shown (too few people).",
                    rate=name,
                )
            )
            continue
        parity = report.parity(rate, overall)
        sentences.append(
            _("%(rate)s: women %(women)s, men %(men)s; parity index %(index)s (%(reading)s).",
              rate=name, women=her.text, men=his.text, index=parity.text, reading=parity.note or "—")
        )  # fmt: skip
    for name in IN_BRIEF:
        figures = report.breakdowns.get(name)
        gaps = []
        for group in figures.groups if figures else ():
            her = report.rate("completion_rate", group, women)
            his = report.rate("completion_rate", group, men)
            if her.number is not None and his.number is not None:
                gaps.append((abs(her.number - his.number), group.label, her.text, his.text))
        if len(gaps) >= 2:
            _gap, label, her_text, his_text = max(gaps)
            sentences.append(
                _("Among %(groups)s, the widest gap in completion between women and men is in %(group)s: women %(women)s, men %(men)s.",
                  groups=_plural_of(name), group=label, women=her_text, men=his_text)
            )  # fmt: skip
    sentences.append(
        _(
            "Every count is perturbed by up to %(d)d to protect people, and counts under %(n)d are not "
            "shown, so figures are approximate and tables do not add up exactly (see Method).",
            d=2,
            n=report.threshold,
        )  # fmt: skip
    )
    return sentences


def _plural_of(breakdown: str) -> str:
    return {"country": _("countries"), "course": _("courses")}.get(breakdown, breakdown)


def filters_line(report: Report) -> str:
    """The report's filters, as a sentence ("none (everything)" without any)."""
    described = report.filter.described
    shown = ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in described.items()) or _("none (everything)")
    return _("Filters: %(filters)s", filters=shown)


def _grid(rows: list[list], widths: list[float], repeat: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=repeat, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SHIPPED_FONTS[0].name),  # no unembedded default
                ("BACKGROUND", (0, 0), (-1, repeat - 1), colors.HexColor("#f3f5f7")),
                ("LINEBELOW", (0, repeat - 1), (-1, repeat - 1), 0.8, colors.black),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d0d8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _figure(text: str) -> Line:
    return Line(text, align="end")


def _header(text: str) -> Text:
    return Text(text, 6.3, after=0)


def _headline_table(report: Report) -> Table:
    columns = (*GENDERS, ALL)
    rows = [
        [_header(_("Measure"))]
        + [_header(str(SHORT_GENDER_LABELS.get(g, GENDER_LABELS[g]))) for g in columns]
    ]
    for measure in HEADLINE:
        rows.append(
            [Line(str(MEASURE_LABELS[measure]))]
            + [_figure(report.figure(measure, report.overall, g).text) for g in columns]
        )
    first = 52 * mm
    return _grid(rows, [first] + [(WIDTH - first) / len(columns)] * len(columns))


def _parity_table(report: Report) -> Table:
    rows = [[_header(_("Rate")), _header(_("Women ÷ men")), _header(_("Reading"))]]
    for rate in RATES:
        shown = report.parity(rate, report.overall)
        rows.append([Line(str(MEASURE_LABELS[rate])), _figure(shown.text), Line(shown.note)])
    return _grid(rows, [52 * mm, 30 * mm, WIDTH - 82 * mm])


def _breakdown_table(report: Report, name: str) -> Table:
    """One line per group: enrolment by gender (all four), rates of women and men, parity."""
    women, men = GENDERS[0], GENDERS[1]
    short = {g: str(SHORT_GENDER_LABELS[g]) for g in GENDERS}
    header = [_("Group")]
    header += [_("Enrolled: %(gender)s", gender=short[g]) for g in GENDERS]
    header += [_("Completion: %(gender)s", gender=short[g]) for g in (women, men)]
    header += [_("Certification: %(gender)s", gender=short[g]) for g in (women, men)]
    header += [_("Parity (completion)")]
    rows = [[_header(text) for text in header]]
    for group in report.breakdowns[name].groups:
        row = [Line(group.label)]
        row += [_figure(report.count("enrolled", group, g).text) for g in GENDERS]
        row += [_figure(report.rate("completion_rate", group, g).text) for g in (women, men)]
        row += [_figure(report.rate("certification_rate", group, g).text) for g in (women, men)]
        row.append(_figure(report.parity("completion_rate", group).text))
        rows.append(row)
    first = 38 * mm
    return _grid(rows, [first] + [(WIDTH - first) / 9] * 9)


def _bars(report: Report) -> GenderBars:
    blocks = []
    for rate in RATES:
        bars = [(str(GENDER_LABELS[g]), report.rate(rate, report.overall, g)) for g in GENDERS]
        blocks.append((str(MEASURE_LABELS[rate]), bars))
    return GenderBars(blocks)


def method(threshold: int) -> list[str]:
    """The method note in paragraphs: what is counted, the parity index, and the disclosure
    control (lms.reports.disclosure.method_note). The brief and its hub page both print it."""
    return [
        _(
            "Unit: the enrolment. Every enrolment in the filter counts, including learners who later "
            "left the course. Started: a first lesson opened or quiz submitted. Completed: the course's "
            "completion rule met. Certified: a valid certificate (revoked and superseded ones do not count). "
            "Rates divide by the number enrolled. Average best quiz score: the mean, over each learner and "
            "quiz attempted, of the best score. Median days to completion: whole days from enrolment to completion."
        ),
        _(
            "Gender parity index: women's rate divided by men's rate; between 0.97 and 1.03 is read as "
            "parity (the UNESCO convention). It is not given when men's rate is 0 or a rate is not shown."
        ),
        *method_note(threshold),
    ]
