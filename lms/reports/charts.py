"""Bar charts as inline SVG, drawn on the server: no JavaScript, no style attributes (the CSP
forbids them), readable in print and by screen readers.

Each gender has a colour *and* a pattern (solid, stripes, dots, cross-hatch) and every bar is
labelled with its figure, so nothing depends on colour alone. The chart carries <title> and
<desc> (referenced by aria-labelledby / aria-describedby); the page puts the data table beside it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from lms.i18n import language_direction
from lms.reports.measures import GENDER_LABELS, GENDERS

STYLES = {
    "woman": ("#0b5c8c", "solid"),
    "man": ("#8a4b00", "stripes"),
    "another": ("#1d6b33", "dots"),
    "unstated": ("#4f5863", "hatch"),
}
WIDTH, LABEL_WIDTH, BAR, GAP = 720, 230, 13, 10


def _patterns(prefix: str) -> str:
    parts = ["<defs>"]
    for gender, (colour, kind) in STYLES.items():
        pid = f"{prefix}-{gender}"
        if kind == "solid":
            continue
        parts.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">')
        parts.append('<rect width="6" height="6" fill="#ffffff"/>')
        if kind == "stripes":
            parts.append(f'<path d="M-1,7 L7,-1 M-1,1 L1,-1 M5,7 L7,5" stroke="{colour}" stroke-width="2"/>')
        elif kind == "dots":
            parts.append(f'<circle cx="3" cy="3" r="1.6" fill="{colour}"/>')
        else:
            parts.append(f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="{colour}" stroke-width="1.4"/>')
        parts.append("</pattern>")
    parts.append("</defs>")
    return "".join(parts)


def _fill(prefix: str, gender: str) -> str:
    colour, kind = STYLES[gender]
    return colour if kind == "solid" else f"url(#{prefix}-{gender})"


def _legend(prefix: str, y: int) -> str:
    parts, x = [], 0
    for gender in GENDERS:
        colour, _kind = STYLES[gender]
        label = escape(str(GENDER_LABELS[gender]))
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="{_fill(prefix, gender)}" stroke="{colour}" stroke-width="1.5"/>'
            f'<text x="{x + 22}" y="{y + 13}" font-size="13" fill="#1b1f24">{label}</text>'
        )
        x += 22 + 8 * len(str(GENDER_LABELS[gender])) + 18
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: list[tuple[str, dict]],
    maximum: float,
    languages: list[str | None] | None = None,
) -> Markup:
    """Grouped horizontal bars: `rows` is [(group label, {gender: Shown})], one bar per gender.
    `languages` gives each label's language when it is not the reader's (a course title)."""
    per_group = len(GENDERS) * BAR + GAP + 18
    height = 40 + len(rows) * per_group + 10
    plot = WIDTH - LABEL_WIDTH - 70
    maximum = maximum or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _patterns(chart_id),
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _legend(chart_id, 4),
    ]
    y = 40
    for (label, figures), language in zip(rows, languages or [None] * len(rows), strict=True):
        short = label if len(label) <= 34 else label[:33] + "…"
        own = ""
        if language:  # right-to-left text ends where left-to-right text starts: at x = 0
            direction = language_direction(language)
            anchor = ' text-anchor="end"' if direction == "rtl" else ""
            own = f' lang="{escape(language)}" direction="{direction}"{anchor}'

        parts.append(
            f'<text x="0" y="{y + 12}" font-size="13" font-weight="bold" fill="#1b1f24"{own}>{escape(short)}</text>'
        )
        y += 18
        for gender in GENDERS:
            shown = figures[gender]
            colour, _kind = STYLES[gender]
            name = escape(str(GENDER_LABELS[gender]))
            parts.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 2}" font-size="11" text-anchor="end" fill="#4f5863">{name}</text>'
            )
            if shown.number is not None:
                length = max(1.0, plot * shown.number / maximum)
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR - 2}" '
                    f'fill="{_fill(chart_id, gender)}" stroke="{colour}" stroke-width="1.2"/>'
                )
                text_x = LABEL_WIDTH + length + 5
            else:
                text_x = LABEL_WIDTH + 2
            parts.append(
                f'<text x="{text_x:.1f}" y="{y + BAR - 2}" font-size="11" fill="#1b1f24">{escape(shown.text)}</text>'
            )
            y += BAR
        y += GAP
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="36" x2="{LABEL_WIDTH}" y2="{y}" stroke="#1b1f24" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above is escaped)


def describe(title: str, rows: list[tuple[str, dict]], limit: int = 12) -> str:
    """A text version of the chart for screen readers: the figures, group by group."""
    pieces = []
    for label, figures in rows[:limit]:
        values = ", ".join(f"{GENDER_LABELS[g]} {figures[g].text}" for g in GENDERS)
        pieces.append(f"{label}: {values}")
    more = " …" if len(rows) > limit else ""
    return f"{title}. " + "; ".join(pieces) + more
