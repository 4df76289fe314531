"""The intruder of tests/reports/test_intruder.py on larger populations than CI can afford.

    .venv/bin/python -m bench disclosure            # the CI size and two larger ones
    .venv/bin/python -m bench.bench_disclosure --large   (adds four institutions, two roles, four months)

For each size: a fresh SQLite database, the seeded population, every download a trainer of both
courses can make (tests.reports.intruder.trainer_requests), then the intruder against the
protected figures and, as the baseline in the same run, against exact figures with only the
counts under 5 hidden. Prints the small counts aimed at, how many were pinned, how many the
solver's time limit left undecided, and the time taken.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = (
    dict(learners=45),
    dict(learners=90, places=3, roles=2),
)
LARGE = (dict(learners=160, places=4, roles=2, months=4),)


def _attack(size: dict, folder: Path) -> list[tuple]:
    from lms import create_app
    from lms.extensions import db
    from tests.reports import intruder
    from tests.reports.test_intruder import _primary_only, _read_primary_only

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'intruder.sqlite3'}", "SECRET_KEY": "bench"}
    )
    rows = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        population = intruder.seed_population(**size)
        requests, pairs = intruder.trainer_requests(population)
        index = {id(r): n for n, r in enumerate(requests)}
        for label, figures, read in (("cell-key perturbation", None, None), ("baseline: exact, <5 hidden", _primary_only, _read_primary_only)):  # fmt: skip
            started = time.perf_counter()
            published = intruder.publish(requests, population, figures=figures)
            paired = [(published[index[id(a)]], published[index[id(b)]]) for a, b in pairs]
            attacker = intruder.Intruder(population.atoms, time_limit=20)
            for cells in published:
                for members, shown in cells.values():
                    attacker.observe(members, shown, read)
            chosen = intruder.targets(population, published, paired)
            pinned, undecided = attacker.moves(chosen, intruder.true_counts(population))
            rows.append((label, len(population.atoms), sum(population.truth.values()), len(requests), len(chosen), len(pinned), len(undecided), time.perf_counter() - started))  # fmt: skip
        db.drop_all()
    return rows


def main(argv: list[str]) -> None:
    sizes = SIZES + (LARGE if "--large" in argv else ())
    print(
        "| figures | atoms | enrolments | downloads | small counts aimed at | pinned | undecided | time (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            for label, atoms, enrolments, downloads, aimed, pinned, undecided, took in _attack(
                size, Path(folder)
            ):
                print(f"| {label} | {atoms} | {enrolments} | {downloads} | {aimed} | {pinned} | {undecided} | {took:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
