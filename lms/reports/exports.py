"""Downloads of a report: a registry of formats (CSV in tidy long form, the PDF policy brief).

The CSV has one row per breakdown, group, gender and measure, so that a spreadsheet or a
statistics package can pivot it any way. Cells go through lms.csvexport (formula injection
neutralised, UTF-8 with a byte-order mark). It never contains names or emails: groups are
courses, countries, institutions, profile roles and periods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lms.reports.brief import policy_brief
from lms.reports.measures import ALL, COUNTS, GENDERS, RATES, Report, Shown, build_report

CSV_HEADER = ("breakdown", "group_code", "group", "gender", "measure", "value", "note")
STATISTICS = ("average_best_score", "median_days_to_completion")


def _cell(shown: Shown, measure: str) -> tuple:
    if shown.state == "value":
        number = shown.number
        if measure in RATES:
            number = round(number * 100, 2)
        elif measure == "average_best_score" or measure.startswith("gender_parity"):
            number = round(number, 3 if measure.startswith("gender_parity") else 2)
        elif measure == "median_days_to_completion":
            number = round(number, 1)
        return number, shown.note
    if shown.hidden:
        return shown.text, shown.note
    return "", shown.note


def csv_rows(report: Report, *, overall: bool = True) -> Iterator[tuple]:
    measures = [*COUNTS, *RATES, *STATISTICS]
    positions = [("overall", report.overall)] if overall else []
    positions += [
        (name, group) for name, breakdown in report.breakdowns.items() for group in breakdown.groups
    ]
    for label, group in positions:
        for gender in (*GENDERS, ALL):
            for measure in measures:
                value, note = _cell(report.figure(measure, group, gender), measure)
                name = f"{measure}_percent" if measure in RATES else measure
                yield (label, group.code, group.label, gender or "all", name, value, note)
        for rate in RATES:
            value, note = _cell(report.parity(rate, group), "gender_parity")
            yield (label, group.code, group.label, "women/men", f"gender_parity_index_{rate}", value, note)


def csv_stream(
    report_filter,
    breakdowns: tuple[str, ...],
    *,
    threshold: int,
    protected: bool,
    on_breakdown: Callable[[int, int], None] | None = None,
) -> Iterator[tuple]:
    """The CSV's rows, computed one breakdown at a time as they are consumed: memory holds one
    breakdown's groups, never the whole file, whatever the number of enrolments. What a
    streamed response or a background job writes (each breakdown is two SQL statements).
    Needs an application context (and the request's locale, for labels) while it runs.
    `on_breakdown(done, total)` follows it (a job's progress)."""
    for n, name in enumerate(breakdowns):
        report = build_report(report_filter, (name,), threshold=threshold, protected=protected)
        yield from csv_rows(report, overall=n == 0)
        if on_breakdown is not None:
            on_breakdown(n + 1, len(breakdowns))


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    mimetype: str
    render: Callable  # (report) -> iterator of rows (csv) or bytes (pdf)


FORMATS = {
    "csv": ExportFormat("csv", "text/csv", csv_rows),
    "pdf": ExportFormat("pdf", "application/pdf", policy_brief),
}
