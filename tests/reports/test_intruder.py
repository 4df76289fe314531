"""The intruder the outside analyst used, in the suite: an integer-programming attacker given
every output a trainer can request (all breakdowns of many filters, date filters one month
apart, overlapping periods, single-course filters) and the published perturbation table must
not pin any true count of 1 to 4 people, in one download or in the difference of two.

`tests/reports/intruder.py` says what the intruder knows; bench/bench_disclosure.py runs it on a
larger population.
"""

from __future__ import annotations

import pytest

from lms.reports.measures import Report, Shown, format_count
from tests.reports.intruder import Intruder, publish, seed_population, targets, trainer_requests, true_counts

LEARNERS = 45  # about 60 enrolments in 192 atoms: small enough for CI; bench runs a larger one


class PrimaryOnly(Report):
    """The control: exact counts with only the small ones hidden (what per-cell suppression
    without cover amounts to). The intruder must pin counts here, or it proves nothing."""

    def count(self, measure, group, gender):
        value = getattr(group.cells[gender], measure)
        if 0 < value < self.threshold:
            return Shown(None, "small", f"<{self.threshold}")
        return Shown(value, "value", format_count(value))


def _primary_only(report: Report) -> Report:
    report.__class__ = PrimaryOnly
    return report


def _read_primary_only(shown, threshold):
    from lms.reports.disclosure import Reading

    return Reading(1, threshold - 1) if shown is None else Reading(shown, shown)


def attack(population, published, pairs, read=None, enough=None):
    intruder = Intruder(population.atoms)
    for cells in published:
        for members, shown in cells.values():
            intruder.observe(members, shown, read)
    chosen = targets(population, published, pairs)
    pinned, undecided = intruder.moves(chosen, true_counts(population), enough=enough)
    return chosen, pinned, undecided


@pytest.mark.slow
def test_no_count_of_one_to_four_can_be_pinned_from_everything_a_trainer_can_download(db):
    population = seed_population(learners=LEARNERS)
    requests, pairs = trainer_requests(population)
    published = publish(requests, population)
    index = {id(request): n for n, request in enumerate(requests)}
    paired = [(published[index[id(a)]], published[index[id(b)]]) for a, b in pairs]
    chosen, pinned, undecided = attack(population, published, paired)
    differences = targets(population, [], paired)
    assert len(chosen) > 300 and len(differences) > 150  # the attack has plenty to aim at
    assert not undecided
    assert not pinned, f"{len(pinned)} of {len(chosen)} small counts pinned"


@pytest.mark.slow
def test_the_intruder_pins_small_counts_when_figures_are_exact_apart_from_the_small_ones(db):
    population = seed_population(learners=LEARNERS)
    requests, pairs = trainer_requests(population)
    requests = requests[:7]  # one download each, no date filters: it already suffices
    published = publish(requests, population, figures=_primary_only)
    chosen, pinned, _undecided = attack(population, published, (), read=_read_primary_only, enough=20)
    assert len(pinned) >= 20, f"only {len(pinned)} of {len(chosen)} pinned"
