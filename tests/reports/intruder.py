"""An integer-programming intruder against published participation figures, and a population
to attack. Used by tests/reports/test_intruder.py (a population small enough for CI) and by
bench/bench_disclosure.py (a larger one).

The intruder knows:
* every figure of every output it is given (all breakdowns of many filters, as a trainer can
  download them), and the published perturbation table: which true counts can be shown as each
  value (`lms.reports.disclosure.reading`), "<5" and "0" included;
* that counts are whole and non-negative, and how each published cell is made of *atoms*, the
  finest groups that filters and breakdowns can tell apart (course x country x institution x
  profile role x gender x month x funnel stage). So every sum, every nesting (institutions in
  countries, months in quarters), the funnel enrolled >= started >= completed >= certified and
  every overlap between two filters is used at once, as one system of linear constraints.

A *target* is a set of atoms whose true count is 1 to 4: a published cell, or the difference
between two filters' cells (the people who enrolled in the month between two date filters).
It is pinned when every integer solution consistent with everything published gives it the
same value. HiGHS answers, for each target, whether a solution with a different value exists;
every solution found also clears every other target it gives a different value.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from ortools.sat.python import cp_model

from lms.accounts.models import User
from lms.enrolment.models import RECORD_KEY_MODULUS
from lms.extensions import db
from lms.reports.breakdowns import BREAKDOWNS
from lms.reports.disclosure import reading
from lms.reports.measures import ALL, COUNTS, GENDERS, Report, build_report
from lms.reports.queries import ReportFilter
from tests import factories
from tests.reports.conftest import add_enrolment

STAGES = range(4)  # enrolled only, started, completed, certified: each within the one before
STAGE_OF = {"enrolled": 0, "started": 1, "completed": 2, "certified": 3}
YEAR = 2024


@dataclass(frozen=True)
class Atom:
    course_id: int
    country: str
    institution: str
    role: str
    gender: str
    month: int
    stage: int


@dataclass
class Population:
    atoms: list[Atom]
    truth: dict[Atom, int]
    course_ids: tuple[int, ...]
    places: tuple[tuple[str, str], ...]
    roles: tuple[str, ...]
    months: tuple[int, ...]

    def __post_init__(self):
        self.column = {
            name: np.array([getattr(atom, name) for atom in self.atoms])
            for name in ("course_id", "country", "institution", "role", "gender", "month", "stage")
        }


PLACES = (("KE", "Makerere"), ("NP", "Tribhuvan"), ("KE", "Kenyatta"), ("NP", "Kathmandu"))
ROLES = ("faculty", "other")


def seed_population(
    learners: int, *, seed: int = 12, key_seed: int = 0, months: int = 3, places: int = 2, roles: int = 1
) -> Population:
    """Learners in two courses, `places` institutions in two countries, `roles` profile roles,
    four genders (few of two of them) and `months` months: many small cells, as in real data.
    The intruder's work grows fast with the number of atoms: CI takes the defaults."""
    rng = random.Random(seed)
    keys = random.Random(key_seed)  # record keys: seeded, so that a failure can be replayed
    courses = [factories.make_course(f"intruder-{seed}-{n}", modules=1, lessons=1) for n in range(2)]
    places, roles = PLACES[:places], ROLES[:roles]
    genders = ["woman"] * 45 + ["man"] * 40 + ["another"] * 5 + ["unstated"] * 10
    truth: dict[Atom, int] = {}
    for _n in range(learners):
        country, institution = rng.choice(places)
        user = factories.make_user(
            gender=rng.choice(genders),
            country=country,
            institution=institution,
            profile_role=rng.choice(roles),
        )
        for course in rng.sample(courses, rng.choice((1, 1, 2))):
            month = rng.randint(1, months)
            enrolled = datetime(YEAR, month, rng.randint(1, 28), rng.randrange(24), rng.randrange(60))
            stage = rng.choices(STAGES, weights=(3, 2, 2, 3))[0]
            started = enrolled + timedelta(hours=2) if stage >= 1 else None
            completed = enrolled + timedelta(days=rng.randint(1, 30)) if stage >= 2 else None
            add_enrolment(
                user, course, enrolled=enrolled, started=started, completed=completed,
                certificate="valid" if stage == 3 else None, record_key=keys.randrange(RECORD_KEY_MODULUS),
            )  # fmt: skip
            atom = Atom(
                course.id, country, institution, user.profile_role.value, user.gender.value, month, stage
            )
            truth[atom] = truth.get(atom, 0) + 1
    db.session.commit()
    atoms = [
        Atom(c.id, country, institution, role, gender, month, stage)
        for c in courses
        for country, institution in places
        for role in roles
        for gender in GENDERS
        for month in range(1, months + 1)
        for stage in STAGES
    ]
    return Population(atoms, truth, tuple(c.id for c in courses), places, roles, tuple(range(1, months + 1)))


# -- what a trainer can ask for ----------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One download's filter, and which atoms it keeps."""

    report_filter: ReportFilter
    course_id: int | None
    country: str | None
    institution: str | None
    role: str | None
    months: tuple[int, int]

    def mask(self, population: Population) -> np.ndarray:
        column = population.column
        keep = (column["month"] >= self.months[0]) & (column["month"] <= self.months[1])
        for name, value in (
            ("course_id", self.course_id),
            ("country", self.country),
            ("institution", self.institution),
            ("role", self.role),
        ):
            if value is not None:
                keep &= column[name] == value
        return keep


def _month_range(first: int, last: int) -> tuple[date, date]:
    end = date(YEAR, last + 1, 1) - timedelta(days=1) if last < 12 else date(YEAR, 12, 31)
    return date(YEAR, first, 1), end


def request(
    population: Population,
    *,
    course_id=None,
    country=None,
    institution=None,
    role=None,
    months: tuple[int, int] | None = None,
) -> Request:
    enrolled_from, enrolled_to = _month_range(*months) if months else (None, None)
    chosen = ReportFilter(
        course_ids=(course_id,) if course_id else population.course_ids,  # a trainer's scope
        country=country,
        institution=institution,
        profile_role=role,
        enrolled_from=enrolled_from,
        enrolled_to=enrolled_to,
    )
    span = months or (population.months[0], population.months[-1])
    return Request(chosen, course_id, country, institution, role, span)


def trainer_requests(population: Population) -> tuple[list[Request], list[tuple[Request, Request]]]:
    """A sample of what a trainer of both courses can download, and the pairs of downloads that
    differ by one filter (date filters one month apart, nested and overlapping; one course)."""
    months = population.months
    first, last = months[0], months[-1]
    requests = [request(population)]
    single = [request(population, course_id=c) for c in population.course_ids]
    requests += single
    requests += [request(population, country=c) for c in sorted({c for c, _i in population.places})]
    requests += [request(population, institution=i) for _c, i in population.places]
    requests += [request(population, role=r) for r in population.roles]
    pairs = []
    growing = [request(population, months=(first, m)) for m in months]
    shrinking = [request(population, months=(m, last)) for m in months]
    sliding = [request(population, months=(m, m + 2)) for m in months if m + 2 <= last]
    requests += growing + shrinking + sliding
    pairs += list(itertools.pairwise(growing)) + list(itertools.pairwise(shrinking))
    pairs += list(itertools.pairwise(sliding))  # overlapping periods one month apart
    for course_id, alone in zip(population.course_ids, single, strict=True):
        per_course = [request(population, course_id=course_id, months=(first, m)) for m in months[:-1]]
        requests += per_course
        pairs += list(itertools.pairwise(per_course))
        pairs.append((alone, requests[0]))  # one course, then both
    return requests, pairs


# -- what a published report says about atoms ------------------------------------------------


def _group_mask(population: Population, breakdown: str, key: tuple) -> np.ndarray:
    column = population.column
    if breakdown in ("overall", "year"):
        return np.ones(len(population.atoms), dtype=bool)
    if breakdown == "course":
        return column["course_id"] == key[0]
    if breakdown == "country":
        return column["country"] == key[0]
    if breakdown == "institution":
        return (column["country"] == key[0]) & (column["institution"] == key[1])
    if breakdown == "profile_role":
        return column["role"] == key[0]
    if breakdown == "quarter":
        return (column["month"] + 2) // 3 == int(key[0][-1])
    if breakdown == "month":
        return column["month"] == int(key[0][-2:])
    raise ValueError(breakdown)


CellName = tuple  # (breakdown, group key, gender, measure)


def cells_of(
    report: Report, population: Population, chosen: Request
) -> dict[CellName, tuple[frozenset, object]]:
    """Every count the report publishes: its atoms and how it is shown (a number, or None for "<T")."""
    cells = {}
    kept = chosen.mask(population)
    positions = [("overall", report.overall)] + [
        (name, group) for name, figures in report.breakdowns.items() for group in figures.groups
    ]
    for breakdown, group in positions:
        in_group = kept & _group_mask(population, breakdown, group.key)
        for gender in (*GENDERS, ALL):
            of_gender = in_group if gender is ALL else in_group & (population.column["gender"] == gender)
            for measure in COUNTS:
                members = frozenset(
                    np.flatnonzero(of_gender & (population.column["stage"] >= STAGE_OF[measure])).tolist()
                )
                shown = report.count(measure, group, gender)
                cells[(breakdown, group.key, gender, measure)] = (members, shown.number)
    return cells


def publish(
    requests: Iterable[Request],
    population: Population,
    *,
    threshold: int = 5,
    figures: Callable | None = None,
) -> list[dict[CellName, tuple[frozenset, object]]]:
    """Each request's every breakdown, built by the platform's own code (protected)."""
    published = []
    for chosen in requests:
        report = build_report(chosen.report_filter, tuple(BREAKDOWNS), threshold=threshold, protected=True)
        if figures is not None:
            report = figures(report)
        published.append(cells_of(report, population, chosen))
    return published


# -- the intruder ------------------------------------------------------------------------------


class Intruder:
    """Integer solutions of "every published figure holds"; asks whether a target can move."""

    def __init__(self, atoms: list[Atom], *, threshold: int = 5, time_limit: float = 30.0):
        self.atoms = atoms
        self.threshold = threshold
        self.time_limit = time_limit
        self.bounds: dict[frozenset, tuple[float, float]] = {}

    def observe(self, members: frozenset, shown, read: Callable | None = None) -> None:
        """A published figure: its atoms sum to a count that could be shown as `shown`."""
        low, high = (read or reading)(shown, self.threshold)
        old_low, old_high = self.bounds.get(members, (0, float("inf")))
        self.bounds[members] = (max(low, old_low), min(high, old_high))

    def moves(
        self, targets: dict[frozenset, int], truth: list[int] | None = None, *, enough: int | None = None
    ) -> tuple[list[frozenset], list[frozenset]]:
        """(pinned, undecided): targets that no solution moves, and those the time limit left open.

        With `truth` (the true atom counts, which satisfy every constraint), witnesses are looked
        for first among solutions one record away from it (a record added, removed or moved
        between two atoms): each is an integer solution, so a target it changes is not pinned.
        The solver decides the rest, one target at a time: "every figure holds and this target
        is not its true value" is either infeasible (pinned) or solved (and the solution clears
        every other target it moves). `enough`: stop once that many targets are pinned.
        """
        open_targets = dict(targets)
        if truth is not None:
            self._clear_by_one_record(open_targets, truth)
        model = cp_model.CpModel()
        finite = [high for _low, high in self.bounds.values() if high != float("inf")]
        largest = int(max(finite, default=0)) + 1
        atoms = [model.new_int_var(0, largest, f"a{n}") for n in range(len(self.atoms))]
        for members, (low, high) in self.bounds.items():
            if members:
                total = sum(atoms[n] for n in members)
                model.add(total >= int(low))
                if high != float("inf"):
                    model.add(total <= int(high))
        switches = {}
        for members, true in open_targets.items():
            switch = model.new_bool_var("")
            model.add(sum(atoms[n] for n in members) != true).only_enforce_if(switch)
            switches[members] = switch
        if truth is not None:
            for variable, value in zip(atoms, truth, strict=True):
                model.add_hint(variable, value)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        # First, solutions that move as many open targets as they can at once ...
        solver.parameters.max_time_in_seconds = self.time_limit
        while len(open_targets) > 1:
            model.clear_assumptions()
            model.maximize(sum(switches[members] for members in open_targets))
            status = solver.solve(model)
            before = len(open_targets)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                self._clear(open_targets, [solver.value(v) for v in atoms])
            if len(open_targets) == before:
                break
        model.clear_objective()
        # ... then each target that is left on its own: moved, or proved pinned.
        pinned, undecided = [], []
        while open_targets:
            members = next(iter(open_targets))
            model.clear_assumptions()
            model.add_assumptions([switches[members]])
            status = solver.solve(model)
            open_targets.pop(members)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                self._clear(open_targets, [solver.value(v) for v in atoms])
            elif status == cp_model.INFEASIBLE:
                pinned.append(members)
                if enough is not None and len(pinned) >= enough:
                    break
            else:
                undecided.append(members)
        return pinned, undecided

    def _clear_by_one_record(self, open_targets: dict[frozenset, int], truth: list[int]) -> None:
        rows = list(self.bounds.items())
        n_atoms = len(self.atoms)
        in_rows = [0] * n_atoms  # per atom, the rows (as bits) it is counted in
        tight_up = tight_down = 0  # rows that cannot go up (or down) by one
        for r, (members, (low, high)) in enumerate(rows):
            value = sum(truth[n] for n in members)
            assert low <= value <= high, "the true counts must satisfy every published figure"
            bit = 1 << r
            for n in members:
                in_rows[n] |= bit
            if value + 1 > high:
                tight_up |= bit
            if value - 1 < low:
                tight_down |= bit
        addable = [b for b in range(n_atoms) if not in_rows[b] & tight_up]
        removable = [a for a in range(n_atoms) if truth[a] and not in_rows[a] & tight_down]
        changed_atoms = set(addable) | set(removable)
        moves = []
        for a in range(n_atoms):
            if not truth[a]:
                continue
            down = in_rows[a] & tight_down
            for b in range(n_atoms):
                if b == a:
                    continue
                if down & ~in_rows[b] or in_rows[b] & tight_up & ~in_rows[a]:
                    continue
                moves.append((a, b))
        for members in list(open_targets):
            if members & changed_atoms or any((a in members) != (b in members) for a, b in moves):
                del open_targets[members]

    @staticmethod
    def _clear(open_targets: dict[frozenset, int], solution) -> None:
        for members, true in list(open_targets.items()):
            if round(sum(solution[n] for n in members)) != true:
                del open_targets[members]


def true_counts(population: Population) -> list[int]:
    return [population.truth.get(atom, 0) for atom in population.atoms]


def targets(population: Population, published, pairs_of_cells=()) -> dict[frozenset, int]:
    """Published cells and differences of paired downloads whose true count is 1 to 4."""
    truth = [population.truth.get(atom, 0) for atom in population.atoms]

    def true(members) -> int:
        return sum(truth[n] for n in members)

    chosen = {}
    for cells in published:
        for members, _shown in cells.values():
            if 1 <= true(members) <= 4:
                chosen[members] = true(members)
    for before, after in pairs_of_cells:
        for name, (members, _shown) in after.items():
            if name not in before:
                continue
            for part in (members - before[name][0], before[name][0] - members):
                if 1 <= true(part) <= 4:
                    chosen[frozenset(part)] = true(part)
    return chosen


def population_users() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one()
