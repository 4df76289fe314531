"""How much a certificate name in any script costs compared with a plain Helvetica name.

Run: ``.venv/bin/python -m bench.bench_typesetting`` (or ``python bench/bench_typesetting.py``).

Each case creates a one-page canvas, draws the name, and saves the PDF to memory, as the
certificate generator does once per certificate.  The shaping cache is cleared before each
draw, because every certificate carries a different name.  The baseline is the same page
with an ASCII name in Helvetica drawn by reportlab alone, measured in the same run.  One-time
costs are measured in fresh interpreters, since this process has already paid them.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas

from lms.typography import typesetting

PAGE = (842, 595)  # A4 landscape, in points
REPEATS = 200
CASES = {
    "Latin (Vietnamese)": "Nguyễn Thị Phương",
    "CJK (Traditional Chinese)": "陳美玲",
    "Arabic": "فاطمة الزهراء",
    "Syriac": "ܐܦܪܝܡ ܒܪ ܝܘܣܦ",
    "N'Ko": "ߡߊ߬ߡߊ߬ߘߎ ߞߊ߲ߕߍ",
    "Adlam": "𞤀𞤥𞤭𞤲𞤢𞤼𞤢 𞤔𞤢𞤤𞤤𞤮",
    "Tifinagh": "ⵎⴰⵙⵉⵏⵉⵙⴰ ⵉⴷⵉⵔ",
    "Tibetan": "བསྟན་འཛིན་རྒྱ་མཚོ",
    "Mongolian (traditional)": "ᠰᠠᠷᠠᠨᠭᠡᠷᠡᠯ ᠪᠠᠲᠤ",
    "CJK Extension A and B": "刘䶮 陳𨋢",
}


def one_page(draw: Callable[[Canvas], None]) -> int:
    """Make the page and return the PDF's size in bytes."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE)
    draw(canvas)
    canvas.save()
    return len(buffer.getvalue())


def draw_helvetica(canvas: Canvas) -> None:
    canvas.setFont("Helvetica", 36)
    canvas.drawCentredString(PAGE[0] / 2, 300, "Ana Lima")


def draw_any_script(text: str) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        typesetting.shape_line.cache_clear()
        typesetting.draw_name(canvas, text, PAGE[0] / 2, 300, 36, 600)

    return draw


def median_ms(draw: Callable[[Canvas], None]) -> tuple[float, int]:
    size = one_page(draw)  # warm-up: imports, font registration
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        one_page(draw)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, size


def fresh_process_ms(statement: str) -> float:
    """Milliseconds ``statement`` takes in a new interpreter, imports excluded."""
    code = (
        "import io, time\n"
        "from reportlab.pdfgen.canvas import Canvas\n"
        "from lms.typography import typesetting\n"
        "started = time.perf_counter()\n"
        f"{statement}\n"
        "print((time.perf_counter() - started) * 1000)\n"
    )
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    return float(output)


def main(argv: list[str] | None = None) -> None:
    baseline, baseline_size = median_ms(draw_helvetica)
    rows = [("Helvetica ASCII (baseline)", baseline, 1.0, baseline_size)]
    for label, text in CASES.items():
        ms, size = median_ms(draw_any_script(text))
        rows.append((label, ms, ms / baseline, size))
    print(f"Median of {REPEATS} one-page PDFs (canvas, name, save to memory)")
    print(f"{'case':30} {'median ms':>10} {'ratio':>7} {'PDF bytes':>10}")
    for label, ms, ratio, size in rows:
        print(f"{label:30} {ms:10.2f} {ratio:7.1f} {size:10,}")
    print()
    print("One-time costs per process")
    for label, statement in (
        ("register_fonts()", "typesetting.register_fonts()"),
        ("first uncovered_characters()", "typesetting.uncovered_characters('x')"),
        ("first draw_name() on a page", "typesetting.draw_name(Canvas(io.BytesIO()), 'x', 0, 0, 9, 99)"),
    ):
        print(f"{label:30} {fresh_process_ms(statement):10.1f} ms")


if __name__ == "__main__":
    main()
