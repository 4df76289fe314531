"""The policy brief: a few PDF pages built with reportlab, always from a protected (perturbed) report.

Headline figures, the parity indices, charts by gender (reportlab.graphics, bars labelled
with their figures and told apart by pattern as well as colour), tables by country and by
course, and a method note that explains the measures and the disclosure control.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
from lms.typography.coverage import FONTS_DIR

FONT_FILE = FONTS_DIR / "NotoSans-Regular.ttf"
COLOURS = [colors.HexColor(c) for c in ("#0b5c8c", "#8a4b00", "#1d6b33", "#4f5863")]
_SMALL = ParagraphStyle("small", fontSize=7, leading=8.5)
HEADLINE = (
    "enrolled",
    "started",
    "completed",
    "certified",
    *RATES,
    "average_best_score",
    "median_days_to_completion",
)


def _font() -> str:
    """Noto Sans (shipped in lms/typography/fonts) covers Latin, Greek and Cyrillic names."""
    if "ReportsNoto" not in pdfmetrics.getRegisteredFontNames() and FONT_FILE.exists():
        pdfmetrics.registerFont(TTFont("ReportsNoto", str(FONT_FILE)))
    return "ReportsNoto" if "ReportsNoto" in pdfmetrics.getRegisteredFontNames() else "Helvetica"


def policy_brief(report: Report) -> bytes:
    if not report.protected:
        raise ValueError("the policy brief is for publication: build it from a protected report")
    font = _font()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = font
    body, heading, title = styles["BodyText"], styles["Heading2"], styles["Title"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=_("Participation by gender — policy brief"), author=current_app.config["SITE_NAME"],
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
    )  # fmt: skip
    story = [
        Paragraph(escape(_("Participation by gender — policy brief")), title),
        Paragraph(
            escape(current_app.config["SITE_NAME"]) + " · " + datetime.now(UTC).strftime("%Y-%m-%d"), body
        ),
        Paragraph(escape(_("Filters: %(filters)s", filters=_describe(report.filter.described))), body),
        Spacer(1, 4 * mm),
    ]
    if report.empty:
        text = _(
            "Fewer than %(n)d enrolments match these filters (after perturbation): nothing can be "
            "reported without exposing people.",
            n=report.threshold,
        )
        story.append(Paragraph(escape(text), body))
    else:
        story += [Paragraph(escape(_("Headline figures")), heading), _table(_headline_rows(report), font)]
        story += [Spacer(1, 3 * mm), Paragraph(escape(_("Gender parity index")), heading)]
        story.append(_table(_parity_rows(report), font))
        story += [Spacer(1, 3 * mm), Paragraph(escape(_("Rates by gender")), heading), _chart(report, font)]
        for name in IN_BRIEF:
            breakdown = report.breakdowns.get(name)
            if breakdown and breakdown.groups:
                label = _("By %(breakdown)s", breakdown=str(BREAKDOWNS[name].label).lower())
                story += [
                    Paragraph(escape(label), heading),
                    _table(_breakdown_rows(report, name), font, repeat=1),
                ]
    story += [Paragraph(escape(_("Method")), heading)]
    story += [Paragraph(escape(text), body) for text in _method(report.threshold)]
    doc.build(story)
    return buffer.getvalue()


def _describe(described: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in described.items()) or _("none (everything)")


def _headline_rows(report):
    rows = [[_("Measure")] + [str(GENDER_LABELS[g]) for g in (*GENDERS, ALL)]]
    for measure in HEADLINE:
        rows.append(
            [str(MEASURE_LABELS[measure])]
            + [report.figure(measure, report.overall, g).text for g in (*GENDERS, ALL)]
        )
    return rows


def _parity_rows(report):
    rows = [[_("Rate"), _("Women ÷ men"), _("Reading")]]
    for rate in RATES:
        shown = report.parity(rate, report.overall)
        rows.append([str(MEASURE_LABELS[rate]), shown.text, shown.note])
    return rows


def _breakdown_rows(report, name):
    """One line per group: enrolment by gender (all four), rates of women and men, parity."""
    women, men = GENDERS[0], GENDERS[1]
    short = {g: str(SHORT_GENDER_LABELS[g]) for g in GENDERS}
    header = [_("Group")]
    header += [_("Enrolled: %(gender)s", gender=short[g]) for g in GENDERS]
    header += [_("Completion: %(gender)s", gender=short[g]) for g in (women, men)]
    header += [_("Certification: %(gender)s", gender=short[g]) for g in (women, men)]
    header += [_("Parity (completion)")]
    rows = [[Paragraph(escape(text), _SMALL) for text in header]]
    for group in report.breakdowns[name].groups:
        row = [Paragraph(escape(group.label), _SMALL)]
        row += [report.count("enrolled", group, g).text for g in GENDERS]
        row += [report.rate("completion_rate", group, g).text for g in (women, men)]
        row += [report.rate("certification_rate", group, g).text for g in (women, men)]
        row.append(report.parity("completion_rate", group).text)
        rows.append(row)
    return rows


def _table(rows, font, repeat=1, widths=None):
    table = Table(rows, repeatRows=repeat, hAlign="LEFT", colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d0d8")),
            ]
        )
    )
    return table


def _chart(report, font) -> Drawing:
    """Completion and certification rates, one bar per gender, each bar labelled with its figure.

    reportlab draws the first series at the bottom, so the genders are given in reverse to read
    top to bottom in the legend's order; filled and outlined bars alternate.
    """
    drawing = Drawing(170 * mm, 80 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 38 * mm, 26 * mm, 110 * mm, 52 * mm
    order = list(reversed(range(len(GENDERS))))
    data = []
    for n in order:
        values = []
        for rate in RATES:
            shown = report.rate(rate, report.overall, GENDERS[n])
            values.append(round(shown.number * 100, 1) if shown.number is not None else 0)
        data.append(values)
    chart.data = data
    chart.categoryAxis.categoryNames = [str(MEASURE_LABELS[r]) for r in RATES]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labels.fontName = font
    chart.barLabelFormat = "%.1f%%"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for series, n in enumerate(order):
        filled = n % 2 == 0
        chart.bars[series].fillColor = COLOURS[n] if filled else colors.white
        chart.bars[series].strokeColor = COLOURS[n]
        chart.bars[series].strokeWidth = 1.2 if filled else 2.2
    drawing.add(chart)
    for n, gender in enumerate(GENDERS):
        style = _("filled") if n % 2 == 0 else _("outlined")
        x, y = (n % 2) * 80 * mm, 8 * mm - (n // 2) * 4.5 * mm
        drawing.add(
            String(
                x, y, f"{GENDER_LABELS[gender]} ({style})", fontName=font, fontSize=7.5, fillColor=COLOURS[n]
            )
        )
    drawing.add(String(0, 13 * mm, _("In each group, bars from top to bottom:"), fontName=font, fontSize=7.5))
    return drawing


def _method(threshold: int) -> list[str]:
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
