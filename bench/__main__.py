"""`make bench`: run every bench/bench_*.py (or those named on the command line) and print
their tables. Each module has a `main(argv) -> None` that prints its own table, with ratios
against a baseline measured in the same run (machines here are noisy)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    names = [
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    ]
    chosen = [name for name in names if not argv or any(arg in name for arg in argv)]
    for name in sorted(chosen):
        module = importlib.import_module(f"bench.{name}")
        print(f"\n## {name[len('bench_') :]}\n", flush=True)
        started = time.perf_counter()
        module.main([])
        print(f"\n({name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
