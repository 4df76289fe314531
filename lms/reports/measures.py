"""The measures of a participation report, per group and gender, exact or protected.

Definitions (the README and the policy brief say the same):

* enrolled — enrolments in the filter, whatever their status: a learner who left still counts,
  because the enrolment happened (history is kept). The period filter is on the enrolment date.
* started — of those, enrolments with a first lesson opened or quiz submitted.
* completed — of those, enrolments whose course is completed (the course's completion rule).
* certified — of those, enrolments whose learner holds a *valid* certificate for the course
  (revoked and superseded certificates do not count).
* completion rate = completed / enrolled; certification rate = certified / enrolled.
* average best quiz score — the mean, over every (learner, quiz) with at least one attempt in
  the group's enrolments, of that learner's best score on that quiz (0–100).
* median days to completion — over completed enrolments, the median of the whole days (24-hour
  periods) from enrolment to completion; with an even number, the mean of the two middle ones.
* gender parity index (GPI) — women's rate divided by men's rate; parity when 0.97–1.03.

A learner counts once per course in a group: the unit of every count is the enrolment.

A *protected* report shows every count perturbed (lms.reports.disclosure) and everything made
from counts from the perturbed ones; this is the only place that decides what a figure shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import Gender
from lms.reports import breakdowns as registry
from lms.reports import queries
from lms.reports.disclosure import perturb

GENDERS = (Gender.WOMAN.value, Gender.MAN.value, Gender.ANOTHER.value, Gender.UNSTATED.value)
ALL = None  # the "all genders" column
GENDER_LABELS = {
    Gender.WOMAN.value: _l("Women"),
    Gender.MAN.value: _l("Men"),
    Gender.ANOTHER.value: _l("Another gender identity"),
    Gender.UNSTATED.value: _l("Prefer not to say / not stated"),
    ALL: _l("All"),
}
# For narrow table headers (the policy brief): still unambiguous, and translatable as a whole.
SHORT_GENDER_LABELS = {
    Gender.WOMAN.value: _l("Women"),
    Gender.MAN.value: _l("Men"),
    Gender.ANOTHER.value: _l("Another gender"),
    Gender.UNSTATED.value: _l("Not stated"),
}
COUNTS = ("enrolled", "started", "completed", "certified")  # a funnel: each within the one before
RATES = {"completion_rate": "completed", "certification_rate": "certified"}
MEASURE_LABELS = {
    "enrolled": _l("Enrolled"),
    "started": _l("Started"),
    "completed": _l("Completed"),
    "certified": _l("Certified"),
    "completion_rate": _l("Completion rate"),
    "certification_rate": _l("Certification rate"),
    "average_best_score": _l("Average best quiz score"),
    "median_days_to_completion": _l("Median days to completion"),
}
PARITY_LOW, PARITY_HIGH = 0.97, 1.03
KEYED = (*COUNTS, "quiz_takers")
ADDITIVE = (*KEYED, "quiz_score_sum", "quiz_scores", *(f"{name}_key" for name in KEYED))


@dataclass
class Cell:
    """The raw figures of one group and gender (or all genders)."""

    enrolled: int = 0
    started: int = 0
    completed: int = 0
    certified: int = 0
    quiz_score_sum: float = 0.0
    quiz_scores: int = 0
    quiz_takers: int = 0
    days: Counter = field(default_factory=Counter)
    # Sums of record keys (cell keys before the modulus): they add up as the counts do.
    enrolled_key: int = 0
    started_key: int = 0
    completed_key: int = 0
    certified_key: int = 0
    quiz_takers_key: int = 0

    # Set by `settle_median`, which empties `days`: the median of the histogram it held.
    settled: bool = False
    settled_median: float | None = None

    def add(self, other: Cell) -> None:
        for name in ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.update(other.days)

    def settle_median(self) -> None:
        """Keep the median, drop the histogram (a breakdown's histograms can be large)."""
        self.settled_median, self.settled = queries.median_from_histogram(self.days), True
        self.days = Counter()

    def published(self, count: str) -> int:
        """The perturbed value of one of the counts (or of quiz_takers)."""
        return perturb(getattr(self, count), getattr(self, f"{count}_key"))

    def rate(self, measure: str) -> float | None:
        numerator = getattr(self, RATES[measure])
        return numerator / self.enrolled if self.enrolled else None

    @property
    def average_best_score(self) -> float | None:
        return self.quiz_score_sum / self.quiz_scores if self.quiz_scores else None

    @property
    def median_days_to_completion(self) -> float | None:
        return self.settled_median if self.settled else queries.median_from_histogram(self.days)


@dataclass(frozen=True)
class Shown:
    """A figure as a reader sees it: the number, or why there is none."""

    number: float | None
    state: str  # "value", "small" (a perturbed count shown as <5), "hidden" ([c]), "undefined" (—)
    text: str
    note: str = ""

    @property
    def hidden(self) -> bool:
        return self.state in ("small", "hidden")


@dataclass
class Group:
    key: tuple
    label: str
    cells: dict  # gender (or ALL) -> Cell
    code: str = ""  # course slug, country code, period ...: stable in exports


@dataclass
class BreakdownFigures:
    """The groups of one breakdown (see `lms.reports.breakdowns`) in a report, in table order."""

    name: str
    groups: list[Group]


class Report:
    """Figures for one filter: the overall row and the requested breakdowns, exact or protected.

    Every figure depends only on the enrolments it counts (not on the table it sits in), so the
    same figure is the same in every table, download and filter.
    """

    def __init__(self, report_filter, overall: Group, breakdowns: dict[str, BreakdownFigures], threshold: int, protected: bool):  # fmt: skip
        self.filter = report_filter
        self.overall = overall
        self.breakdowns = breakdowns
        self.threshold = threshold
        self.protected = protected

    @property
    def empty(self) -> bool:
        """Nothing to show: no enrolment, or (protected) fewer than `threshold` after perturbation,
        so that "empty" tells a reader no more than the "<5" it stands for."""
        if self.protected:
            return self.count("enrolled", self.overall, ALL).hidden
        return self.overall.cells[ALL].enrolled == 0

    # -- figures as shown -----------------------------------------------------------------

    def _people(self, cell: Cell, count: str) -> int:
        return cell.published(count) if self.protected else getattr(cell, count)

    def count(self, measure: str, group: Group, gender) -> Shown:
        value = self._people(group.cells[gender], measure)
        # Zero too: a "0" beside "<5" would tell nobody from somebody, which pins small counts.
        if self.protected and value < self.threshold:
            return Shown(None, "small", f"<{self.threshold}", _small_note(self.threshold))
        return Shown(value, "value", format_count(value))

    def rate(self, measure: str, group: Group, gender) -> Shown:
        cell = group.cells[gender]
        for part in ("enrolled", RATES[measure]):
            if self.count(part, group, gender).hidden:
                return Shown(None, "hidden", HIDDEN, _("not shown: made from a count under %(n)d", n=self.threshold))  # fmt: skip
        enrolled = self._people(cell, "enrolled")
        if not enrolled:
            return Shown(None, "undefined", "—", _("nobody enrolled"))
        value = min(1.0, self._people(cell, RATES[measure]) / enrolled)
        return Shown(value, "value", format_percent(value))

    def statistic(self, measure: str, group: Group, gender) -> Shown:
        """Average best score or median days; hidden when fewer than `threshold` people count
        (after perturbation, in a protected report)."""
        cell = group.cells[gender]
        value = getattr(cell, measure)
        people = self._people(cell, "quiz_takers" if measure == "average_best_score" else "completed")
        if self.protected and people < self.threshold:  # before "nobody": that would tell a zero
            return Shown(None, "hidden", HIDDEN, _("not shown: fewer than %(n)d people", n=self.threshold))
        if value is None:
            return Shown(None, "undefined", "—", _("nobody to count"))
        if measure == "average_best_score":
            return Shown(value, "value", format_percent(value / 100))
        return Shown(value, "value", format_decimal(value))

    def figure(self, measure: str, group: Group, gender) -> Shown:
        if measure in COUNTS:
            return self.count(measure, group, gender)
        if measure in RATES:
            return self.rate(measure, group, gender)
        return self.statistic(measure, group, gender)

    def parity(self, measure: str, group: Group) -> Shown:
        """Women's rate divided by men's; not shown when either is hidden or men's is 0 or undefined."""
        women = self.rate(measure, group, Gender.WOMAN.value)
        men = self.rate(measure, group, Gender.MAN.value)
        if women.hidden or men.hidden:
            return Shown(None, "hidden", HIDDEN, _("not shown: made from a count under %(n)d", n=self.threshold))  # fmt: skip
        if women.number is None or men.number is None:
            return Shown(None, "undefined", "—", _("no women or no men enrolled"))
        if men.number == 0:
            return Shown(None, "undefined", "—", _("men's rate is 0: the ratio is undefined"))
        index = women.number / men.number
        if PARITY_LOW <= index <= PARITY_HIGH:
            note = _("parity")
        elif index < PARITY_LOW:
            note = _("in favour of men")
        else:
            note = _("in favour of women")
        return Shown(index, "value", format_decimal(index, 2), note)


# The symbol for a figure not shown to protect people: the UK Government Statistical Service's
# "[c]" (confidential), which screen readers read out and which no number can be mistaken for.
HIDDEN = "[c]"


def _small_note(threshold: int) -> str:
    return _("under %(n)d after perturbation: not shown", n=threshold)


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # a thin space: unambiguous in every language


def format_percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def format_decimal(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}"


# -- building a report ----------------------------------------------------------------------


def build_report(
    report_filter, breakdowns: tuple[str, ...], *, threshold: int, protected: bool, labeller=None
) -> Report:
    """Query each breakdown (two statements each) and assemble the report.

    `labeller(breakdown, key) -> (label, sort_key, code)` names groups (courses, countries ...);
    by default the breakdown registry's names (`breakdowns.GroupNames`).
    """
    labeller = labeller or registry.GroupNames()
    built: dict[str, BreakdownFigures] = {}
    overall = None
    for name in breakdowns or ("overall",):
        groups: dict[tuple, dict] = defaultdict(_empty_cells)
        for row in queries.counts(report_filter, name):
            cell = groups[row.group][row.gender]
            cell.enrolled, cell.started, cell.completed, cell.certified = (
                row.enrolled,
                row.started,
                row.completed,
                row.certified,
            )
            cell.quiz_score_sum, cell.quiz_scores, cell.quiz_takers = (
                row.quiz_score_sum,
                row.quiz_scores,
                row.quiz_takers,
            )
            for counted in KEYED:
                setattr(cell, f"{counted}_key", getattr(row, f"{counted}_key"))
        # The histogram arrives group by group: each group's medians are taken as it ends and its
        # histogram dropped, so memory holds one group's, not the breakdown's (only the overall
        # row's, by gender, is kept: it is bounded by the day counts).
        overall_days = {gender: Counter() for gender in GENDERS}
        for key, rows in groupby(queries.completion_days_stream(report_filter, name), key=lambda row: row[0]):
            cells = groups[key]
            for _key, gender, days, number in rows:
                cells[gender].days[days] += number
            for gender in GENDERS:
                cells[ALL].days.update(cells[gender].days)
                overall_days[gender].update(cells[gender].days)
            for cell in cells.values():
                cell.settle_median()
        total = _empty_cells()
        for cells in groups.values():
            for gender in GENDERS:
                cells[ALL].add(cells[gender])
                total[gender].add(cells[gender])
        for gender in GENDERS:
            total[gender].days = overall_days[gender]
            total[ALL].add(total[gender])
        if overall is None:
            label, _order, code = labeller("overall", ("all",))
            overall = Group(("all",), label, total, code)
        if name == "overall":
            continue
        labelled = []
        for key, cells in groups.items():
            label, order, code = labeller(name, key)
            labelled.append((order, Group(key, label, cells, code)))
        labelled.sort(key=lambda pair: pair[0])
        built[name] = BreakdownFigures(name, [group for _order, group in labelled])
    return Report(report_filter, overall, built, threshold, protected)


def _empty_cells() -> dict:
    return {gender: Cell() for gender in (*GENDERS, ALL)}
