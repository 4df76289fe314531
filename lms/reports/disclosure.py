"""Cell-key perturbation: the one disclosure control of every participation figure that leaves
the platform (trainers' pages, the administrators' "as published" view, the CSV for
publication, the policy brief and the CLI export all read their counts through `perturb`).

The method is the one the Australian Bureau of Statistics (TableBuilder) and the UK's Census
2021 use, so that tables stay safe when they are linked and when filters are differenced:

1. Every enrolment has a permanent, secret, uniformly random *record key* in [0, M)
   (`Enrolment.record_key`, M = `RECORD_KEY_MODULUS`).
2. A count's *cell key* is the sum, modulo M, of the record keys of the enrolments it counts.
   The same enrolments give the same cell key whatever table, download or filter they are
   counted in; two different sets of enrolments give independent, uniform cell keys.
3. The published *perturbation table* (`PTABLE`) maps (count, cell key) to a noise from
   -2 to +2, with mean 0. The published value is count + noise. So a cell shows the same value
   everywhere it appears, and the difference of two overlapping counts (two date filters a
   month apart, a total minus its other rows) is the true difference plus the difference of
   two independent noises: it does not give the people in between.
4. Zero stays zero (no record, no key, no noise); a count of 1 or 2 may become 0.
5. A perturbed count under `threshold`, 0 included, is shown as "<5" (for the default
   threshold): showing "0" apart would tell a reader that a "<5" is at least one person, and
   that lower bound, with an upper bound from a neighbouring figure, is what pins small counts.
   Rates are perturbed numerator / perturbed denominator, hidden when either is shown "<5";
   averages and medians are hidden when the perturbed number of people they summarise is under
   the threshold.

What is *not* kept: tables no longer add up exactly (a total has its own noise), and a rate
can differ from one computed from exact counts by a few points for small groups. What a reader
may rely on: every figure is within 2 of the true count, the same figure is the same everywhere,
and no combination of published figures pins a count of 1 to 4 people (the intruder test in
tests/reports/test_intruder.py tries, with an integer-programming solver).

It needs no database, so the tests, the intruder and the method note read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import gettext as _

from lms.enrolment.models import RECORD_KEY_MODULUS


@dataclass(frozen=True)
class PerturbationTable:
    """Noise by count and cell key. `rows[n]` applies to count n; the last row to every larger one.

    Each row lists (noise, weight) with weights summing to the modulus: the noise of a cell is
    the one whose cumulative weight interval holds the cell key.
    """

    modulus: int
    rows: tuple[tuple[tuple[int, int], ...], ...]  # rows[0] is for count 0 (always no noise)

    def __post_init__(self):
        for count, row in enumerate(self.rows):
            if sum(weight for _noise, weight in row) != self.modulus:
                raise ValueError(f"the weights of row {count} do not add up to the modulus")
            if any(count + noise < 0 for noise, _weight in row):
                raise ValueError(f"row {count} could make a negative count")
        if self.rows[0] != ((0, self.modulus),):
            raise ValueError("zero must stay zero")

    def _row(self, count: int) -> tuple[tuple[int, int], ...]:
        return self.rows[min(count, len(self.rows) - 1)]

    def noise(self, count: int, cell_key: int) -> int:
        position = cell_key % self.modulus
        for noise, weight in self._row(count):
            if position < weight:
                return noise
            position -= weight
        raise AssertionError("unreachable: the weights add up to the modulus")  # pragma: no cover

    def perturb(self, count: int, cell_key: int) -> int:
        return count + self.noise(count, cell_key)

    @property
    def max_noise(self) -> int:
        return max(abs(noise) for row in self.rows for noise, _weight in row)

    def noises(self, count: int) -> list[int]:
        """The noises count `count` can get (what a reader knows from the published table)."""
        return [noise for noise, weight in self._row(count) if weight]

    def probability(self, count: int, noise: int) -> float:
        return dict(self._row(count)).get(noise, 0) / self.modulus

    def counts_behind(self, shown: int) -> list[int]:
        """Every true count that can be published as `shown`."""
        candidates = range(max(0, shown - self.max_noise), shown + self.max_noise + 1)
        return [count for count in candidates if shown - count in self.noises(count)]


_M = RECORD_KEY_MODULUS
# Count 0: no noise. Count 1: noise -1..+2 (never negative), mean 0. Count 2 and more: -2..+2,
# symmetric, mean 0, variance 0.8; half the cells are exact, and nobody knows which.
PTABLE = PerturbationTable(
    modulus=_M,
    rows=(
        ((0, _M),),
        ((-1, 300_000), (0, 450_000), (1, 200_000), (2, 50_000)),
        ((-2, 50_000), (-1, 200_000), (0, 500_000), (1, 200_000), (2, 50_000)),
    ),
)


def perturb(count: int, cell_key: int) -> int:
    """The published value of a count whose enrolments' record keys sum to `cell_key`."""
    return PTABLE.perturb(count, cell_key)


class Reading(NamedTuple):
    """What a reader learns about the true count from what is shown (the intruder's knowledge)."""

    low: int
    high: int


def reading(shown: int | None, threshold: int) -> Reading:
    """The true counts consistent with a published figure: `shown` a number, or None for "<T"."""
    if shown is None:
        counts = {n for v in range(threshold) for n in PTABLE.counts_behind(v)}
    else:
        counts = set(PTABLE.counts_behind(shown))
    return Reading(min(counts), max(counts))


def _noise_text(count: int) -> str:
    row = [(noise, weight) for noise, weight in PTABLE.rows[count] if weight]
    return ", ".join(
        f"{noise:+d}: {weight * 100 / PTABLE.modulus:g} %".replace("+0", "0").replace("-", "−")
        for noise, weight in row
    )


def method_note(threshold: int) -> list[str]:
    """The method in words, from the table itself: the dashboard and the policy brief show it."""
    return [
        _(
            "Protecting people: every count shown is perturbed by a small noise (the cell-key method "
            "of the Australian Bureau of Statistics and of the UK's Census 2021). Each enrolment has a "
            "secret random key; a count's noise is read from the sum of the keys of the enrolments it "
            "counts, so the same count shows the same value in every table, download and filter, and "
            "subtracting one figure from another gives noise, not people."
        ),
        _(
            "Noise and its probabilities: %(noises)s; for a count of 1: %(one)s. Nothing is added to "
            "an empty cell. Every figure is within %(d)d of the true count, and about half are exact, "
            "but nobody can tell which. Tables therefore do not add up exactly.",
            noises=_noise_text(2),
            one=_noise_text(1),
            d=PTABLE.max_noise,
        ),
        _(
            "A count under %(n)d after perturbation, zero included, is shown as “<%(n)d”. Rates divide perturbed "
            "counts; a rate made from a count shown as “<%(n)d”, and an average or a median of fewer "
            "than %(n)d people, is not shown (“[c]”).",
            n=threshold,
        ),
    ]
