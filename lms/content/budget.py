"""How much work rendering one lesson may take, so that no text can hang a worker.

Python-Markdown does quadratic work on some shapes of text (thousands of `[` or `(` that never
close in one paragraph, `<` that never closes anywhere, one footnote referenced thousands of
times), recurses once per level of nesting, and bleach takes time in proportion to the HTML it
cleans. So a lesson is first scanned in linear time for those shapes (`prescan`); the renderer
catches the recursion limit as a nesting problem; and the HTML is measured (`check_html`) before
the sanitiser, the costliest step, sees it.

The limits are counted in characters, not seconds: the same lesson is accepted or refused on any
machine under any load. bench/bench_markup.py measures what a lesson at each limit costs, against
an ordinary lesson in the same run; README "Hostile input" gives the figures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _

MAX_DEPTH = 32  # levels of lists, block quotes or brackets
MAX_RUN = 100  # `*` or `_` in a row inside a line (each pair is a level of emphasis)
MAX_FOOTNOTE_REFERENCES = 100  # references to one footnote
MAX_SCAN = 500_000  # characters that unclosed `[`, `(` and `<` make the renderer scan
MAX_COST = 250_000  # characters of HTML handed to the sanitiser, each tag counting TAG_WEIGHT
TAG_WEIGHT = 60

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTES = re.compile(r"^(?:[ \t]*>)+")
_RUN = re.compile(rf"[*_]{{{MAX_RUN + 1},}}")
_RULE = re.compile(r"^[\s*_=-]*$")
_BRACKET = re.compile(r"\\.|[\[\]()]")
_ANGLE = re.compile(r"\\.|<[A-Za-z/!?]|>")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]{1,100})\](?!:)")


@dataclass(frozen=True)
class MarkupLimit:
    """A limit the text goes over: `code` says which, `line` is 1-based in the text (or None)."""

    code: str
    line: int | None
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        """The problem in the current language, without the line (callers place it)."""
        return _MESSAGES[self.code](**self.params)


_MESSAGES = {
    "nesting": lambda depth: _(
        "Nested %(depth)s levels deep (lists, quotes or brackets); at most %(limit)s levels can be shown.",
        depth=depth,
        limit=MAX_DEPTH,
    ),  # fmt: skip
    "deep": lambda: _(
        "Emphasis, links or lists are nested too deeply inside each other to be shown; at most "
        "%(limit)s levels.",
        limit=MAX_DEPTH,
    ),  # fmt: skip
    "run": lambda count: _(
        "%(count)s '*' or '_' in a row; at most %(limit)s can be rendered.", count=count, limit=MAX_RUN
    ),
    "brackets": lambda: _(
        "Too many '[' or '(' that are never closed for the paragraph to be rendered in time: close "
        "them, or write them as \\[ and \\(."
    ),
    "angles": lambda: _(
        "Too many '<' that are never closed for the lesson to be rendered in time: write them as \\< "
        "or put them in `code`."
    ),
    "footnote": lambda label, count: _(
        "Footnote [^%(label)s] is referenced %(count)s times; at most %(limit)s.",
        label=label,
        count=count,
        limit=MAX_FOOTNOTE_REFERENCES,
    ),  # fmt: skip
    "size": lambda percent: _(
        "The lesson has too much text and markup to be shown as one page (%(percent)s%% of what a "
        "page may hold): split it into several lessons.",
        percent=percent,
    ),
}


class MarkupTooComplex(ValueError):
    """Rendering the text would take more work than the budget allows; `limit` says why."""

    def __init__(self, limit: MarkupLimit):
        super().__init__(limit.code)
        self.limit = limit

    def __str__(self) -> str:
        message = self.limit.message()
        if self.limit.line is None:
            return message
        return _("Line %(line)s: %(message)s", line=self.limit.line, message=message)


def prescan(text: str) -> MarkupLimit | None:
    """The first limit `text` goes over, found in one linear pass; None when within all."""
    if len(text) > MAX_COST:
        return MarkupLimit("size", None, {"percent": len(text) * 100 // MAX_COST})
    lines = text.split("\n")
    fence: str | None = None
    block: list[str] = []
    block_start = 1
    scanned = 0
    worst: tuple[int, int] = (0, 1)  # (characters scanned, line) of the costliest paragraph
    angles: list[tuple[int, str]] = []
    footnotes: Counter[str] = Counter()
    first_line: dict[str, int] = {}

    def close_block() -> MarkupLimit | None:
        nonlocal scanned, worst
        cost, depth = _bracket_cost("\n".join(block))
        if depth > MAX_DEPTH:
            return MarkupLimit("nesting", block_start, {"depth": depth})
        scanned += cost
        worst = max(worst, (cost, block_start))
        return None

    for number, line in enumerate(lines, start=1):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            if block and (limit := close_block()):
                return limit
            block, block_start = [], number + 1
            continue
        if not block:
            block_start = number
        block.append(line)
        angles.append((number, line))
        quotes = _QUOTES.match(line)
        depth = quotes.group(0).count(">") if quotes else 0
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        depth = max(depth, indent // 4)
        if depth > MAX_DEPTH:
            return MarkupLimit("nesting", number, {"depth": depth})
        run = _RUN.search(line)
        if run and not _RULE.match(line):
            return MarkupLimit("run", number, {"count": len(run.group(0))})
        for match in _FOOTNOTE.finditer(line):
            footnotes[match.group(1)] += 1
            first_line.setdefault(match.group(1), number)
    if block and (limit := close_block()):
        return limit
    for label, count in footnotes.most_common(1):
        if count > MAX_FOOTNOTE_REFERENCES:
            return MarkupLimit("footnote", first_line[label], {"label": label, "count": count})
    if scanned > MAX_SCAN:
        return MarkupLimit("brackets", worst[1])
    angle_cost, angle_line = _angle_cost(angles)
    if angle_cost > MAX_SCAN:
        return MarkupLimit("angles", angle_line)
    return None


def _bracket_cost(block: str) -> tuple[int, int]:
    """(characters scanned, deepest nesting of closed `[...]`): each `[` or `(` makes
    Python-Markdown look ahead to the one that closes it, or to the end of the paragraph when
    none does. Unclosed ones cost scanning but are not nesting (`:(` in prose is harmless)."""
    cost = 0
    depth = 0
    open_at: dict[str, list[int]] = {"[": [], "(": []}
    closes = {"]": "[", ")": "("}
    for match in _BRACKET.finditer(block):
        piece = match.group(0)
        if piece in open_at:
            open_at[piece].append(match.start())
        elif piece in closes and (starts := open_at[closes[piece]]):
            if piece == "]":
                depth = max(depth, len(starts))
            cost += match.start() - starts.pop()
    end = len(block)
    cost += sum(end - start for starts in open_at.values() for start in starts)
    return cost, depth


def _angle_cost(lines: list[tuple[int, str]]) -> tuple[int, int]:
    """(characters scanned, line of the first unclosed one) over the (number, line) pairs outside
    code fences: Python's HTML parser, which Python-Markdown uses for raw HTML, looks ahead from
    each `<tag` to the next `>`, or to the end of the text."""
    total = sum(len(line) + 1 for _number, line in lines)
    cost = 0
    offset = 0
    pending: list[int] = []
    first_unclosed = 1
    for number, line in lines:
        for match in _ANGLE.finditer(line):
            piece = match.group(0)
            if piece == ">":
                cost += sum(offset + match.start() - start for start in pending)
                pending = []
            elif piece[0] == "<":
                if not pending:
                    first_unclosed = number
                pending.append(offset + match.start())
        offset += len(line) + 1
    cost += sum(total - start for start in pending)
    return cost, first_unclosed


def html_cost(html: str) -> int:
    """What sanitising and serving `html` costs, in characters: the sanitiser spends about as
    long on one tag as on 40 characters of text (bench/bench_markup.py)."""
    return len(html) + TAG_WEIGHT * html.count("<")


def check_html(html: str) -> MarkupLimit | None:
    """The size limit, checked on the HTML before the sanitiser sees it."""
    cost = html_cost(html)
    if cost > MAX_COST:
        return MarkupLimit("size", None, {"percent": cost * 100 // MAX_COST})
    return None
