"""The measures of a participation report, per group and gender, and their suppression.

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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import Gender
from lms.reports import breakdowns as registry
from lms.reports import queries
from lms.reports.suppression import Status, Table, suppress

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

    def add(self, other: Cell) -> None:
        for name in (*COUNTS, "quiz_score_sum", "quiz_scores", "quiz_takers"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.update(other.days)

    def rate(self, measure: str) -> float | None:
        numerator = getattr(self, RATES[measure])
        return numerator / self.enrolled if self.enrolled else None

    @property
    def average_best_score(self) -> float | None:
        return self.quiz_score_sum / self.quiz_scores if self.quiz_scores else None

    @property
    def median_days_to_completion(self) -> float | None:
        return queries.median_from_histogram(self.days)


@dataclass(frozen=True)
class Shown:
    """A figure as a reader sees it: the number, or why there is none."""

    number: float | None
    state: str  # "value", "primary" (<5), "complementary" (x), "undefined" (—)
    text: str
    note: str = ""

    @property
    def hidden(self) -> bool:
        return self.state in ("primary", "complementary")


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
    """Figures for one filter: the overall row and the requested breakdowns, suppressed or not."""

    def __init__(
        self,
        report_filter,
        overall: Group,
        breakdowns: dict[str, BreakdownFigures],
        threshold: int,
        suppressed,
    ):
        self.filter = report_filter
        self.overall = overall
        self.breakdowns = breakdowns
        self.threshold = threshold
        self.suppressed = suppressed
        self.status: dict = {}
        if suppressed:
            self.status = _suppression(overall, breakdowns, threshold)

    @property
    def empty(self) -> bool:
        return self.overall.cells[ALL].enrolled == 0

    # -- figures as shown -----------------------------------------------------------------

    def count(self, measure: str, breakdown: str | None, group: Group, gender) -> Shown:
        value = getattr(group.cells[gender], measure)
        status = self.status.get((measure, breakdown, group.key, gender), Status.PUBLISHED)
        if status is Status.PRIMARY:
            return Shown(None, "primary", f"<{self.threshold}")
        if status is Status.COMPLEMENTARY:
            return Shown(None, "complementary", "x")
        return Shown(value, "value", format_count(value))

    def rate(self, measure: str, breakdown: str | None, group: Group, gender) -> Shown:
        cell = group.cells[gender]
        for part in ("enrolled", RATES[measure]):
            if self.count(part, breakdown, group, gender).hidden:
                return Shown(None, "complementary", "x", _("hidden: made from a hidden count"))
        value = cell.rate(measure)
        if value is None:
            return Shown(None, "undefined", "—", _("nobody enrolled"))
        return Shown(value, "value", format_percent(value))

    def statistic(self, measure: str, group: Group, gender) -> Shown:
        """Average best score or median days; hidden when fewer than `threshold` people count."""
        cell = group.cells[gender]
        value = getattr(cell, measure)
        people = cell.quiz_takers if measure == "average_best_score" else cell.completed
        if value is None:
            return Shown(None, "undefined", "—", _("nobody to count"))
        if self.suppressed and people < self.threshold:
            return Shown(None, "complementary", "x", _("hidden: fewer than %(n)d people", n=self.threshold))
        if measure == "average_best_score":
            return Shown(value, "value", format_percent(value / 100))
        return Shown(value, "value", format_decimal(value))

    def figure(self, measure: str, breakdown: str | None, group: Group, gender) -> Shown:
        if measure in COUNTS:
            return self.count(measure, breakdown, group, gender)
        if measure in RATES:
            return self.rate(measure, breakdown, group, gender)
        return self.statistic(measure, group, gender)

    def parity(self, measure: str, breakdown: str | None, group: Group) -> Shown:
        """Women's rate divided by men's; "—" when either is hidden or men's is 0 or undefined."""
        women = self.rate(measure, breakdown, group, Gender.WOMAN.value)
        men = self.rate(measure, breakdown, group, Gender.MAN.value)
        if women.hidden or men.hidden:
            return Shown(None, "complementary", "x", _("hidden: made from a hidden count"))
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


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # a thin space: unambiguous in every language


def format_percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def format_decimal(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}"


# -- building a report ----------------------------------------------------------------------


def build_report(
    report_filter, breakdowns: tuple[str, ...], *, threshold: int, suppressed: bool, labeller=None
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
        for key, gender, days, number in queries.completion_days(report_filter, name):
            groups[key][gender].days[days] += number
        total = _empty_cells()
        for cells in groups.values():
            for gender in GENDERS:
                cells[ALL].add(cells[gender])
                total[gender].add(cells[gender])
        for gender in GENDERS:
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
    return Report(report_filter, overall, built, threshold, suppressed)


def _empty_cells() -> dict:
    return {gender: Cell() for gender in (*GENDERS, ALL)}


def _suppression(overall: Group, breakdowns: dict[str, BreakdownFigures], threshold: int) -> dict:
    """Suppress every count table of the report together (they share the overall row)."""
    values, neighbours, tables, equations = {}, {}, [], []
    columns = (*GENDERS, ALL)

    def key(measure, breakdown, group, gender):
        return (measure, breakdown, group.key if breakdown else overall.key, gender)

    positions = [(None, overall)] + [(name, group) for name, b in breakdowns.items() for group in b.groups]
    for breakdown, group in positions:
        for gender in columns:
            for n, measure in enumerate(COUNTS):
                cell_key = key(measure, breakdown, group, gender)
                values[cell_key] = getattr(group.cells[gender], measure)
                # A reader knows each count lies within its neighbours in the funnel.
                neighbours[cell_key] = (
                    key(COUNTS[n + 1], breakdown, group, gender) if n + 1 < len(COUNTS) else None,
                    key(COUNTS[n - 1], breakdown, group, gender) if n else None,
                )
    for measure in COUNTS:
        for name, breakdown in breakdowns.items():
            tables.append(
                Table(
                    rows=[[key(measure, name, group, g) for g in GENDERS] for group in breakdown.groups],
                    row_totals=[key(measure, name, group, ALL) for group in breakdown.groups],
                    column_totals=[key(measure, None, overall, g) for g in GENDERS],
                    grand=key(measure, None, overall, ALL),
                )
            )
        # Linked tables: groups nested in another breakdown's groups add up to them (the
        # institutions of a country), so a reader could subtract one table from the other.
        for name, breakdown in breakdowns.items():
            outer = registry.get(name).within
            if outer not in breakdowns:
                continue
            inside = defaultdict(list)
            for group in breakdown.groups:
                inside[group.key[:-1]].append(group)
            for parent in breakdowns[outer].groups:
                for gender in columns:
                    equations.append(
                        (
                            key(measure, outer, parent, gender),
                            [key(measure, name, g, gender) for g in inside[parent.key]],
                        )
                    )
    if not breakdowns:  # the overall row alone: its genders add up to its total
        equations += [
            (key(m, None, overall, ALL), [key(m, None, overall, g) for g in GENDERS]) for m in COUNTS
        ]
    columns_of = (*GENDERS, ALL)

    def kin(cell_key):
        """The same group in every measure and gender: hiding it frees the funnel bounds."""
        _measure, breakdown, group_key, _gender = cell_key
        return [(m, breakdown, group_key, g) for m in COUNTS for g in columns_of]

    return suppress(values, tables, threshold, equations=equations, neighbours=neighbours, kin=kin)
