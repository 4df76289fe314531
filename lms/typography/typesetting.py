"""Print a learner's name, or any one line of text, in any script on a PDF.

Certificates carry names such as "Nguyễn Thị Phương", "فاطمة الزهراء",
"प्रिया शर्मा" or "佐藤 花子".  reportlab alone cannot print them: its
canvas neither shapes text (Arabic joining, Indic conjuncts, stacked marks)
nor orders right-to-left text unless the optional ``rlbidi`` package is
present, and it draws every string in one font.  This module does the work:

1. normalise the text to NFC and collapse white space;
2. resolve bidirectional levels (a small part of the Unicode Bidirectional
   Algorithm, UAX #9, see ``bidi_levels``);
3. split the text into runs of one font and one direction: each character
   goes to the first shipped font (``SHIPPED_FONTS`` order) whose cmap covers
   it, with marks kept with their base and punctuation staying in the run
   around it;
4. shape each run with HarfBuzz (uharfbuzz), with an explicit direction and
   language.  reportlab's own ``shapeStr`` shapes correctly too, but lets
   HarfBuzz guess the direction and cannot be given a language, which the
   regional Han forms and Urdu need;
5. order the runs visually and draw each one as a reportlab ``ShapedStr``,
   which reportlab's text object positions glyph by glyph.

Public API: ``register_fonts``, ``draw_name``, ``draw_text_line``,
``text_width`` and, for callers that need the glyphs, ``shape_line``; the
shipped fonts and ``uncovered_characters`` come from ``coverage`` (which
needs no reportlab) and are re-exported here.  The fonts live in ``fonts/``
(see its README.md; rebuilt by ``tools/fontbuild.py``).

Language.  Callers that know the learner's language should pass it as a
BCP 47 tag (``language="ja"``, ``"zh-TW"``, ``"ur"``...).  It selects
regional glyph forms: the same Han character is drawn differently in
Japanese, Simplified and Traditional Chinese; Urdu is drawn in Nastaliq.
Without it the language is guessed from the text (kana → Japanese, a
character only Big5 has → Traditional Chinese, otherwise Simplified Chinese;
letters only Urdu uses → Urdu).  A Japanese name written only in kanji that
are also Chinese characters is therefore drawn with Chinese forms unless
``language="ja"`` is given.

Traditional Mongolian is written in vertical columns; a certificate line is
horizontal.  A Mongolian name is set as browsers and word processors set
Mongolian inside horizontal text: left to right, shaped by HarfBuzz in the
horizontal direction, with the letters lying a quarter turn anticlockwise as
the font draws them (turn the page a quarter turn clockwise to read it top to
bottom).  Rotating the name into a vertical column was the alternative: it
would stand several times taller than any other name on the line, and a name
mixing Mongolian and Cyrillic could not be one line.

Limits.  Explicit bidi embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) are ignored; the paragraph direction comes from the first
strong character; one line only (no wrapping).  Glyphs without a character
of their own are given codes whose ToUnicode entry names the characters they
stand for, and groups of glyphs that no such entry can describe are wrapped
in ``ActualText`` spans (see ``textlayer``), so that copying and searching give
the typed text in logical order, right-to-left text included.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Literal

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.pdfgen.canvas import Canvas

from lms.typography import textlayer
from lms.typography.coverage import (
    FONTS_DIR,
    SHIPPED_FONTS,
    Face,
    ShippedFont,
    UnprintableTextError,
    faces,
    is_invisible,
    prepare,
    uncovered_characters,
)
from lms.typography.textlayer import TextMappedFont

__all__ = [
    "SHIPPED_FONTS",
    "FONTS_DIR",
    "ShippedFont",
    "ShapedLine",
    "ShapedRun",
    "Glyph",
    "UnprintableTextError",
    "bidi_levels",
    "visual_order",
    "register_fonts",
    "uncovered_characters",
    "shape_line",
    "text_width",
    "draw_text_line",
    "draw_name",
]

Align = Literal["centre", "left", "right"]


# --------------------------------------------------------------------------
# Bidirectional levels: the part of UAX #9 that one line of a name needs.

_STRONG = {"L": "L", "R": "R", "AL": "R"}
_NEUTRAL = {"B", "S", "WS", "ON", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def _bidi_class(ch: str) -> str:
    return unicodedata.bidirectional(ch) or "L"


def bidi_levels(text: str) -> tuple[int, list[int]]:
    """Return the paragraph level and one embedding level per character.

    Implements rules P2–P3 (direction from the first strong character, left
    to right if none), W1–W7, N1–N2 and I1–I2 of UAX #9.  Explicit
    embeddings, overrides and isolates are treated as neutral characters
    (rules X1–X10 are not implemented); names do not use them.
    """
    types = [_bidi_class(ch) for ch in text]
    base = next((0 if _STRONG[t] == "L" else 1 for t in types if t in _STRONG), 0)
    types = _resolve_weak_types(types, "R" if base else "L")
    _resolve_neutral_types(types, "R" if base else "L")
    return base, [_implicit_level(t, base) for t in types]


def _resolve_weak_types(types: list[str], sos: str) -> list[str]:
    """Rules W1–W7: marks, numbers and separators take a direction."""
    resolved: list[str] = []
    last_strong = sos
    for t in types:  # W1 (marks follow their base), W2 and W3
        if t == "NSM":
            t = resolved[-1] if resolved else sos
            t = "ON" if t in _NEUTRAL else t
        if t in ("L", "R", "AL"):
            last_strong = t
        if t == "EN" and last_strong == "AL":
            t = "AN"
        resolved.append("R" if t == "AL" else t)
    for i in range(1, len(resolved) - 1):  # W4
        before, here, after = resolved[i - 1], resolved[i], resolved[i + 1]
        if before == after and (
            (here == "ES" and before == "EN") or (here == "CS" and before in ("EN", "AN"))
        ):
            resolved[i] = before
    _terminators_join_numbers(resolved)  # W5
    resolved = ["ON" if t in ("ES", "ET", "CS") else t for t in resolved]  # W6
    last_strong = sos
    for i, t in enumerate(resolved):  # W7
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            resolved[i] = "L"
    return resolved


def _terminators_join_numbers(types: list[str]) -> None:
    """Rule W5: a sequence of terminators (%, $, °) next to a number is one."""
    i = 0
    while i < len(types):
        if types[i] != "ET":
            i += 1
            continue
        end = i
        while end < len(types) and types[end] == "ET":
            end += 1
        touches_number = (i > 0 and types[i - 1] == "EN") or (end < len(types) and types[end] == "EN")
        if touches_number:
            types[i:end] = ["EN"] * (end - i)
        i = end


def _resolve_neutral_types(types: list[str], embedding: str) -> None:
    """Rules N1–N2: neutrals between same-direction text take it, else the base.

    Numbers count as right-to-left here, as N1 says.
    """

    def direction(t: str) -> str:
        return "L" if t == "L" else "R"

    i = 0
    while i < len(types):
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = direction(types[i - 1]) if i > 0 else embedding
        after = direction(types[end]) if end < len(types) else embedding
        types[i:end] = [before if before == after else embedding] * (end - i)
        i = end


def _implicit_level(t: str, base: int) -> int:
    """Rules I1–I2 for a paragraph without explicit embeddings."""
    if base % 2 == 0:
        return base + {"R": 1, "AN": 2, "EN": 2}.get(t, 0)
    return base + (1 if t in ("L", "EN", "AN") else 0)


def visual_order(levels: list[int]) -> list[int]:
    """Rule L2: indices of items (runs) in left-to-right display order.

    From the highest level down to the lowest odd level, every maximal
    sequence of items at that level or above is reversed.
    """
    order = list(range(len(levels)))
    odd_levels = [level for level in levels if level % 2]
    if not odd_levels:
        return order
    for level in range(max(levels), min(odd_levels) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            end = i
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[i:end] = reversed(order[i:end])
            i = end
    return order


# --------------------------------------------------------------------------
# Languages: what the caller says, or what the text suggests.

_URDU_LETTERS = re.compile("[\u0679\u0688\u0691\u06ba\u06c1\u06c2\u06c3\u06d2\u06d3]")
_KANA = re.compile("[\u3041-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile("[\uac00-\ud7a3]")


#: Languages written in the Arabic script, whose tag is worth passing to the
#: Arabic fonts (they have Persian, Urdu, Sindhi and Kashmiri forms).
_ARABIC_SCRIPT_LANGUAGES = frozenset(
    {"ar", "fa", "prs", "ur", "ps", "sd", "ks", "ug", "ckb", "ku", "pnb", "skr", "bal"}
)


def _primary_subtag(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].lower() if language else None


def _arabic_language(language: str | None, text: str) -> str:
    """The language to shape Arabic-script runs with, told or guessed.

    A caller's language that is not written in Arabic script (a learner
    whose interface is in English) says nothing about the name, so Urdu is
    then recognised by the letters only Urdu uses (ٹ ڈ ڑ ں ہ ے).
    """
    if _primary_subtag(language) in _ARABIC_SCRIPT_LANGUAGES:
        return language
    return "ur" if _URDU_LETTERS.search(text) else "und"


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _guess_cjk_language(text: str) -> str:
    """Guess Japanese, Traditional or Simplified Chinese from the characters.

    Kana means Japanese.  Han characters outside GB 2312 vote by the national
    character sets that contain them: a character in JIS X 0208 or X 0213 but
    neither GB 2312 nor Big5-HKSCS is a Japanese simplification (桜, 沢); one
    in Big5 or Hong Kong's HKSCS but not GB 2312 is Traditional (陳, 𨋢).  Everything else is Simplified Chinese,
    the default face of the CJK font.
    """
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "zh-Hant"  # Korean hanja: Traditional forms are the closest kept
    traditional = False
    for ch in text:
        if not unicodedata.name(ch, "").startswith("CJK") or _encodable(ch, "gb2312"):
            continue
        if _encodable(ch, "big5hkscs"):  # Big5 and Hong Kong's additions
            traditional = True
        elif _encodable(ch, "shift_jis_2004"):  # JIS X 0208 and X 0213
            return "ja"
    return "zh-Hant" if traditional else "zh-Hans"


def _cjk_language(language: str | None, text: str) -> str:
    """The HarfBuzz language that selects the right glyph forms in a CJK run."""
    if language:
        tags = language.replace("_", "-").lower().split("-")
        if tags[0] == "ja":
            return "ja"
        if tags[0] == "ko":
            return "zh-Hant"
        if tags[0] == "yue":
            return "zh-Hant"
        if tags[0] in ("zh", "cmn"):
            traditional = "hans" not in tags and {"hant", "tw", "hk", "mo"} & set(tags)
            return "zh-Hant" if traditional else "zh-Hans"
    return _guess_cjk_language(text)


# --------------------------------------------------------------------------
# Runs of one font and one direction.


@dataclass(frozen=True)
class Glyph:
    """One positioned glyph, in font units, as HarfBuzz returned it.

    ``cluster`` is the index, in the line's normalised text, of the first
    character this glyph was made from.
    """

    gid: int
    cluster: int
    x_advance: int
    y_advance: int
    x_offset: int
    y_offset: int


@dataclass(frozen=True)
class ShapedRun:
    """Consecutive characters drawn with one font in one direction."""

    font: ShippedFont
    text: str
    start: int
    level: int
    language: str
    glyphs: tuple[Glyph, ...]
    units_per_em: int

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1

    def width(self, font_size: float) -> float:
        """Advance width in points at ``font_size``."""
        return sum(g.x_advance for g in self.glyphs) * font_size / self.units_per_em


@dataclass(frozen=True)
class ShapedLine:
    """A shaped line: its normalised text and its runs in visual order."""

    text: str
    base_level: int
    runs: tuple[ShapedRun, ...]

    def width(self, font_size: float) -> float:
        """Advance width in points at ``font_size``."""
        return sum(run.width(font_size) for run in self.runs)

    @property
    def glyphs(self) -> tuple[Glyph, ...]:
        """Every glyph, in drawing order from left to right."""
        return tuple(glyph for run in self.runs for glyph in run.glyphs)


def _clusters(text: str) -> list[tuple[int, int]]:
    """Split text into base characters with their marks and joiners.

    A mark, joiner or variation selector must use the font of the character
    it modifies, so font selection works on these spans.  A mark that no font
    has together with its base (a Latin accent on a Thai letter) becomes a
    span of its own, drawn from another font rather than not at all.
    """
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        attaches = unicodedata.category(ch)[0] == "M" or (is_invisible(ch) and ch != " ")
        if attaches and spans and _covering_fonts(text[spans[-1][0] : i + 1]):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def _covering_fonts(chars: str) -> list[int]:
    needed = {ord(ch) for ch in chars if not is_invisible(ch)}
    return [i for i, face in enumerate(faces()) if needed <= face.unicodes]


def _is_script_bearing(ch: str) -> bool:
    """Letters and marks decide the font; spaces, punctuation, digits follow."""
    return unicodedata.category(ch)[0] in ("L", "M")


def _assign_fonts(text: str, levels: list[int]) -> list[int]:
    """Font index per character: the first font covering each letter cluster.

    Neutral clusters (spaces, punctuation, digits) take the font of a
    neighbouring letter in the same direction when it covers them, so a
    space inside a Chinese or Arabic name does not split its run, and the
    space between an Arabic and a Latin word belongs to the word on its side
    of the line.
    """
    spans = _clusters(text)
    chosen: list[int | None] = []
    for start, end in spans:
        candidates = _covering_fonts(text[start:end])
        chosen.append(candidates[0] if _is_script_bearing(text[start]) else None)
    span_levels = [levels[start] for start, _ in spans]
    for k, (start, end) in enumerate(spans):
        if chosen[k] is None:
            chosen[k] = _neutral_font(text[start:end], chosen, span_levels, k)
    fonts = [0] * len(text)
    for (start, end), font in zip(spans, chosen, strict=True):
        fonts[start:end] = [font] * (end - start)
    return fonts


def _neutral_font(chars: str, chosen: list[int | None], levels: list[int], k: int) -> int:
    candidates = _covering_fonts(chars)
    before = next((j for j in range(k - 1, -1, -1) if chosen[j] is not None), None)
    after = next((j for j in range(k + 1, len(chosen)) if chosen[j] is not None), None)
    neighbours = [j for j in (before, after) if j is not None]
    neighbours.sort(key=lambda j: levels[j] != levels[k])  # same direction first
    for j in neighbours:
        if chosen[j] in candidates:
            return chosen[j]
    return candidates[0]


def _split_runs(text: str, levels: list[int], fonts: list[int]) -> list[tuple[int, int]]:
    """Maximal spans of one level and one font, in logical order."""
    spans = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or levels[i] != levels[start] or fonts[i] != fonts[start]:
            spans.append((start, i))
            start = i
    return spans


def _run_language(font: ShippedFont, line_text: str, language: str | None) -> str:
    """The HarfBuzz language for a run; guessed from the whole line if needed.

    Guessing from the whole line keeps every run of a name consistent.
    """
    if font.family == "cjk":
        return _cjk_language(language, line_text)
    if font.family == "arabic":
        return _arabic_language(language, line_text)
    return language or "und"


def _preferred_font(font: int, chars: str, language: str) -> int:
    """Switch a whole run to a font preferred for its language, if it covers it.

    Done per run, not per character, so a word is never split between Naskh
    and Nastaliq (which would break Arabic joining).
    """
    primary = _primary_subtag(language)
    for index in _covering_fonts(chars):
        if primary in SHIPPED_FONTS[index].languages:
            return index
    return font


def _shape_run(
    face: Face, text: str, rtl: bool, language: str
) -> list[tuple[hb.GlyphInfo, hb.GlyphPosition]]:
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.language = language
    buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    # Marks keep clusters of their own, so the text layer can say which glyph is which mark.
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.guess_segment_properties()  # fills in the script only
    hb.shape(face.font, buffer, {})
    return list(zip(buffer.glyph_infos, buffer.glyph_positions, strict=True))


def _make_run(text: str, start: int, end: int, level: int, font: int, language: str | None) -> ShapedRun:
    chars = text[start:end]
    run_language = _run_language(SHIPPED_FONTS[font], text, language)
    face = faces()[_preferred_font(font, chars, run_language)]
    glyphs = tuple(
        Glyph(info.codepoint, start + info.cluster, pos.x_advance, pos.y_advance, pos.x_offset, pos.y_offset)
        for info, pos in _shape_run(face, chars, level % 2 == 1, run_language)
    )
    return ShapedRun(face.spec, chars, start, level, run_language, glyphs, face.upem)


@functools.lru_cache(maxsize=512)
def shape_line(text: str, language: str | None = None) -> ShapedLine:
    """Shape one line of text and return its runs in visual order.

    ``language`` is an optional BCP 47 tag (see the module docstring).
    Raises ``UnprintableTextError`` if a character cannot be printed.  The
    result does not depend on the font size and is cached, so measuring and
    then drawing the same name shapes it once.
    """
    text = prepare(text)
    missing = uncovered_characters(text)
    if missing:
        raise UnprintableTextError(missing)
    if not text:
        return ShapedLine(text, 0, ())
    base, levels = bidi_levels(text)
    fonts = _assign_fonts(text, levels)
    runs = [
        _make_run(text, start, end, levels[start], fonts[start], language)
        for start, end in _split_runs(text, levels, fonts)
    ]
    order = visual_order([run.level for run in runs])
    return ShapedLine(text, base, tuple(runs[i] for i in order))


def text_width(text: str, font_size: float, language: str | None = None) -> float:
    """Width in points of ``text`` drawn at ``font_size`` by ``draw_text_line``."""
    return shape_line(text, language).width(font_size)


# --------------------------------------------------------------------------
# reportlab: registration and drawing.

_registration_lock = threading.Lock()
_reportlab_fonts: dict[str, TextMappedFont] = {}


def register_fonts() -> None:
    """Register every shipped font with reportlab, once per process.

    Idempotent and thread-safe; a second call only checks that reportlab
    still knows the fonts (re-registering the same objects if something
    reset reportlab's registry).  The drawing functions call it themselves.
    The first call parses the fonts, about 0.2 s, mostly the CJK font.
    """
    if len(_reportlab_fonts) == len(SHIPPED_FONTS) and _still_registered():
        return
    with _registration_lock:
        known = set(pdfmetrics.getRegisteredFontNames())
        for spec in SHIPPED_FONTS:
            font = _reportlab_fonts.get(spec.name)
            if font is None:
                font = TextMappedFont(spec.name, str(spec.path))
            if spec.name not in known:
                pdfmetrics.registerFont(font)
            _reportlab_fonts[spec.name] = font


def _still_registered() -> bool:
    """True if reportlab's registry still holds our fonts (a reset clears it)."""
    return SHIPPED_FONTS[-1].name in pdfmetrics.getRegisteredFontNames()


@functools.lru_cache(maxsize=2048)
def _reportlab_string(run: ShapedRun) -> ShapedStr:
    """Turn a shaped run into the ``ShapedStr`` reportlab's canvas draws.

    Each glyph is given the code whose ToUnicode entry names the characters it stands for
    (``textlayer.glyph_texts``). reportlab places each character of a ``ShapedStr`` with the
    advance and offsets of its ``ShapeData``, in thousandths of the font size.
    """
    font = _reportlab_fonts[run.font.name]
    scale = 1000 / run.units_per_em
    glyphs = run.glyphs
    texts = textlayer.glyph_texts(run.text, run.start, [glyph.cluster for glyph in glyphs], run.rtl)
    characters = []
    data = []
    for glyph, text in zip(glyphs, texts, strict=True):
        code = font.code_for(glyph.gid, text)
        characters.append(chr(code))
        data.append(
            ShapeData(
                glyph.cluster,
                glyph.x_advance * scale,
                glyph.y_advance * scale,
                glyph.x_offset * scale,
                glyph.y_offset * scale,
                font.face.charWidths[code],
            )
        )
    return ShapedStr("".join(characters), shapeData=data)


def draw_text_line(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    font_size: float,
    align: Align = "centre",
    language: str | None = None,
) -> None:
    """Draw one line of text in any script with its baseline at ``y``.

    ``align`` says whether ``x`` is the centre, the left or the right end of
    the line.  Right-to-left text is aligned the same way (``"right"`` puts
    the end of an Arabic line, its visual right edge, at ``x``).  The
    canvas's fill colour is used; its font is left as it was.  Raises
    ``UnprintableTextError`` for characters no shipped font has.
    """
    line = shape_line(text, language)
    if not line.runs:
        return
    register_fonts()
    width = line.width(font_size)
    left = {"left": x, "centre": x - width / 2, "right": x - width}[align]
    spans = textlayer.actual_text_spans(line.text, [(run.text, run.rtl) for run in line.runs])
    canvas.saveState()
    for span in spans:
        canvas.addLiteral(span)
    try:
        for run in line.runs:
            canvas.setFont(run.font.name, font_size)
            canvas.drawString(left, y, _reportlab_string(run))
            left += run.width(font_size)
    finally:
        for _span in spans:
            canvas.addLiteral("EMC")
        canvas.restoreState()


def draw_name(
    canvas: Canvas,
    text: str,
    x_centre: float,
    y: float,
    font_size: float,
    max_width: float,
    language: str | None = None,
) -> None:
    """Draw a learner's name centred on ``x_centre``, shrunk to fit ``max_width``.

    The name is drawn at ``font_size`` if it fits, otherwise at the size that
    makes it exactly ``max_width`` wide (shaped text scales linearly).  See
    ``draw_text_line`` for ``language`` and errors.
    """
    width = text_width(text, font_size, language)
    if width > max_width > 0:
        font_size *= max_width / width
    draw_text_line(canvas, text, x_centre, y, font_size, "centre", language)
