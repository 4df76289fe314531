"""Flowables for the policy brief that set every piece of text with the certificates' any-script
typesetting (lms.typography: HarfBuzz shaping, the shipped Noto fonts, embedded), so a course
title in Arabic, a Khmer institution or a brief in the Arabic interface prints as it should:
reportlab's own Paragraph neither shapes Arabic nor falls back to another font.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable

from lms.typography.typesetting import draw_text_line, shape_line, text_width

INK = colors.HexColor("#1b1f24")


def _rtl(text: str) -> bool:
    return bool(text) and shape_line(text).base_level == 1


class Text(Flowable):
    """A paragraph wrapped at spaces; right-aligned when its first strong character is RTL."""

    def __init__(
        self, text: str, size: float = 9, *, leading: float | None = None, after: float = 3, colour=INK
    ):
        super().__init__()
        self.text = " ".join(text.split())
        self.size = size
        self.leading = leading or size * 1.35
        self.after = after
        self.colour = colour
        self.lines: list[str] = []

    def _break(self, width: float) -> list[str]:
        lines, current = [], ""
        for word in self.text.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, self.size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def wrap(self, avail_width, avail_height):
        self.lines = self._break(avail_width)
        self.width = avail_width
        self.height = len(self.lines) * self.leading + self.after
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        fit = int((avail_height - self.after) // self.leading)
        if fit < 1 or fit >= len(self.lines):
            return [] if fit < 1 else [self]
        first = Text(" ".join(self.lines[:fit]), self.size, leading=self.leading, after=0, colour=self.colour)
        rest = Text(" ".join(self.lines[fit:]), self.size, leading=self.leading, after=self.after, colour=self.colour)  # fmt: skip
        return [first, rest]

    def draw(self):
        canvas = self.canv
        canvas.setFillColor(self.colour)
        right = _rtl(self.text)
        for n, line in enumerate(self.lines):
            y = self.height - self.after - (n + 1) * self.leading + self.leading * 0.28
            natural = text_width(line, self.size)
            size = self.size * min(1.0, self.width / natural) if natural else self.size  # a long word
            if right:
                draw_text_line(canvas, line, self.width, y, size, "right")
            else:
                draw_text_line(canvas, line, 0, y, size, "left")


class Line(Flowable):
    """One line for a table cell, shrunk to fit its column; `align` "start" follows the text's
    direction, "end" (figures) the opposite side."""

    def __init__(self, text: str, size: float = 7.5, *, align: str = "start", colour=INK):
        super().__init__()
        self.text = text
        self.size = size
        self.align = align
        self.colour = colour

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.size * 1.3
        return self.width, self.height

    def draw(self):
        if not self.text:
            return
        natural = text_width(self.text, self.size)
        size = self.size * min(1.0, self.width / natural) if natural else self.size
        right = _rtl(self.text) != (self.align == "end")
        self.canv.setFillColor(self.colour)
        if right:
            draw_text_line(self.canv, self.text, self.width, self.size * 0.3, size, "right")
        else:
            draw_text_line(self.canv, self.text, 0, self.size * 0.3, size, "left")


# Each gender has a colour *and* a fill, and every bar is labelled with the gender and its
# figure: nothing depends on colour alone (WCAG 1.4.1), in colour or in black and white.
BAR_STYLES = (
    ("#0b5c8c", "solid"),
    ("#8a4b00", "stripes"),
    ("#1d6b33", "dots"),
    ("#4f5863", "outline"),
)


class GenderBars(Flowable):
    """Horizontal bars, one per gender in each block; a hidden figure gets no bar, only its
    reason ("not shown: …"), so nobody reads a hidden rate as 0 %.

    `blocks` is [(block title, [(gender label, Shown)])]; numbers are fractions of 1.
    """

    BAR, GAP, LABEL = 9.0, 3.0, 110.0

    def __init__(self, blocks: list[tuple[str, list[tuple[str, object]]]], size: float = 7.5):
        super().__init__()
        self.blocks = blocks
        self.size = size

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        rows = sum(1 + len(bars) for _title, bars in self.blocks)
        self.height = rows * (self.BAR + self.GAP) + len(self.blocks) * 4
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        plot = self.width - self.LABEL - 120
        y = self.height
        for title, bars in self.blocks:
            y -= self.BAR + self.GAP
            canvas.setFillColor(INK)
            draw_text_line(canvas, title, 0, y + 2, self.size + 0.5, "left")
            for n, (label, shown) in enumerate(bars):
                y -= self.BAR + self.GAP
                colour, fill = BAR_STYLES[n % len(BAR_STYLES)]
                canvas.setFillColor(INK)
                draw_text_line(canvas, label, self.LABEL - 6, y + 2, self.size, "right")
                if shown.number is None:
                    canvas.setFillColor(colors.HexColor("#4f5863"))
                    note = f"{shown.text} — {shown.note}" if shown.note else shown.text
                    draw_text_line(canvas, note, self.LABEL + 2, y + 2, self.size, "left")
                    continue
                length = max(1.0, plot * shown.number)
                self._bar(self.LABEL, y, length, colors.HexColor(colour), fill)
                canvas.setFillColor(INK)
                draw_text_line(canvas, shown.text, self.LABEL + length + 4, y + 2, self.size, "left")
            y -= 4

    def _bar(self, x, y, length, colour, fill):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(1)
        canvas.setFillColor(colour if fill == "solid" else colors.white)
        canvas.rect(x, y, length, self.BAR, stroke=1, fill=1)
        path = canvas.beginPath()
        path.rect(x, y, length, self.BAR)
        canvas.clipPath(path, stroke=0, fill=0)
        canvas.setFillColor(colour)
        if fill == "stripes":
            step = 3.0
            offset = -self.BAR
            while offset < length:
                canvas.line(x + offset, y, x + offset + self.BAR, y + self.BAR)
                offset += step
        elif fill == "dots":
            for dx in range(1, int(length), 3):
                for dy in (2.2, 6.6):
                    canvas.circle(x + dx + 0.5, y + dy, 0.7, stroke=0, fill=1)
        canvas.restoreState()
