"""The Markdown renderer's budget: time to render (or refuse) pathological lessons against an
ordinary one (the longest shipped lesson, the baseline), all in the same run.

Each case is a lesson as an author or an attacker could write it: the shapes that made the
renderer quadratic or recursive (issue 9), each just inside its limit (rendered) and far beyond
it (refused), and the largest ordinary lessons the size limit lets through. Time is the median of
`--repeat` runs of render_markdown (Markdown, then the sanitiser), in-process.
`python -m bench markup` runs it; `--big` adds 1 MB lessons (the upload limit).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from lms.content import budget

SHIPPED = Path(__file__).parent.parent / "courses"
DENSE = (
    "Blended courses work where **data is costly**: plan offline reading, [short videos](https://example.org) "
    "and SMS reminders.\n\n| Tool | Cost |\n|---|---|\n| Radio | low |\n\n- one\n- two\n\n```\ncode <sample>\n```\n\n"
)
PROSE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 12 + "\n\n"


def _fill(unit: str, cost: int) -> str:
    """As many copies of `unit` as fit in `cost` of the HTML budget."""
    from lms.content.markup import _convert

    one = budget.html_cost(_convert(unit))
    return unit * max(1, cost // one)


def _longest_shipped() -> str:
    lessons = sorted(SHIPPED.rglob("*.md"), key=lambda path: path.stat().st_size)
    text = lessons[-1].read_text(encoding="utf-8")
    return text.split("+++", 2)[2]


def cases(big: bool) -> list[tuple[str, str]]:
    inside = int((2 * budget.MAX_SCAN) ** 0.5) - 10  # unclosed `[` in one paragraph, just inside
    found = [
        ("longest shipped lesson (baseline)", _longest_shipped()),
        ("ordinary, dense markup, at the size limit", _fill(DENSE, budget.MAX_COST * 95 // 100)),
        ("ordinary, prose, at the size limit", _fill(PROSE, budget.MAX_COST * 95 // 100)),
        (f"{inside:,} unclosed [ in one paragraph", "[" * inside),
        ("8 KB of [", "[" * 8_000),
        ("20 KB of [", "[" * 20_000),
        ("200 KB of [", "[" * 200_000),
        ("2,000 of [](", "[](" * 2_000),
        ("500 unclosed <a", "<a " * 500),
        ("5,000 unclosed <a", "<a " * 5_000),
        ("'a<b' 1,800 times in prose", ("Lorem ipsum a<b dolor sit amet. " * 40 + "\n\n") * 45),
        ("*x* nested 50 deep", "*" * 50 + "x" + "*" * 50),
        ("*x* nested 3,000 deep", "*" * 3_000 + "x" + "*" * 3_000),
        ("[x](/a) nested 32 deep", "[" * 32 + "x" + "](/a)" * 32),
        ("lists nested 32 deep", "".join("    " * i + "- x\n" for i in range(32))),
        ("lists nested 300 deep", "".join("    " * i + "- x\n" for i in range(300))),
        ("<em> nested 3,000 deep", "<em>" * 3_000 + "x" + "</em>" * 3_000),
        ("one footnote cited 100 times", "x[^1] " * 100 + "\n\n[^1]: note\n"),
        ("one footnote cited 2,000 times", "x[^1] " * 2_000 + "\n\n[^1]: note\n"),
        ("> quoted 3,000 deep", ">" * 3_000 + " x"),
    ]
    if big:
        found += [
            ("1 MB of dense markup", (DENSE * (1_000_000 // len(DENSE)))),
            ("1 MB of [", "[" * 1_000_000),
        ]
    return found


def measure(text: str, repeat: int) -> tuple[float, str]:
    from lms.content.markup import MarkupTooComplex, render_markdown

    samples = []
    outcome = "rendered"
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            render_markdown(text)
            outcome = "rendered"
        except MarkupTooComplex as error:
            outcome = f"refused: {error.limit.code}"
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, outcome


def main(argv: list[str]) -> None:
    from flask import Flask
    from flask_babel import Babel

    big = "--big" in argv or os.environ.get("BENCH_BIG") == "1"
    repeat = 3
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        measure("warm *up*", 1)
        rows = [(name, len(text), *measure(text, repeat)) for name, text in cases(big)]
    baseline = rows[0][2]
    print(f"load average {os.getloadavg()[0]:.1f}; median of {repeat} runs")
    print()
    print("| lesson | characters | ms | ratio to baseline | outcome |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, size, ms, outcome in rows:
        print(f"| {name} | {size:,} | {ms:.1f} | {ms / baseline:.2f} | {outcome} |")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
