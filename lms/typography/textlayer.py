"""The text a PDF reader copies from a shaped line: which characters each drawn glyph stands for.

A shaped line's glyphs are not its characters: Arabic letters take contextual forms that no
character maps to, lam and alef become one glyph, an Indic vowel sign is drawn before the
consonant it follows, a Nastaliq letter is drawn as a skeleton and its dots. Readers rebuild
text from the glyphs, so the PDF must say which characters each glyph stands for. It can say
so in two ways, and readers differ in which they honour (read in the sources of poppler 22,
PDFium and pdf.js):

* the font's **ToUnicode** map, per glyph code: every reader uses it. Readers take glyphs to
  be drawn in visual order and put right-to-left stretches back into logical order themselves
  (poppler, PDFium and pdf.js all reverse them), so the characters of one right-to-left glyph
  are given in visual order too: the lam-alef ligature is mapped to alef, lam;
* an **ActualText** marked-content span: poppler, PDFium and Acrobat read it instead of the
  glyphs inside; pdf.js ignores it. Poppler spreads the span's text over the span's box from
  left to right and then reverses right-to-left stretches like any other text, so one span
  around a whole Arabic line (what the certificates did before) came out reversed.

Each cluster (the glyphs HarfBuzz made from the same characters; with its
MONOTONE_CHARACTERS level, marks are clusters of their own) is therefore written thus: one
glyph gets a code of its own whose ToUnicode is the cluster's characters (reversed when right
to left); several glyphs that are each the plain glyph of one of the characters, in order, get
those characters; any other group of glyphs (a reordered Indic syllable, a Nastaliq letter in
pieces) is wrapped in an ActualText span with its characters in logical order, and its first
glyph also carries them, for pdf.js. Spans then hold only a cluster, never a line, so
poppler's left-to-right spreading only matters for a right-to-left cluster of several glyphs
and several characters, which in practice are combining marks that NFC/NFKC put back in order.

reportlab embeds fonts by character, so a glyph reached with different text needs a code of its
own: ``TextMappedFont`` gives out private-use code points (planes 15 and 16) per glyph and
text, and rewrites reportlab's ToUnicode map to say what each stands for.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence

from reportlab.pdfbase.ttfonts import TTFont

#: Where private codes come from: Supplementary Private Use Areas A and B, which no shipped font
#: maps, 131,068 codes per font and process.
_PRIVATE_RANGES = (range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))


def glyph_texts(text: str, offset: int, clusters: Sequence[int], rtl: bool) -> tuple[str, ...]:
    """What each glyph of a run stands for, in drawing order, for the font's ToUnicode map.

    ``text`` is the run's text, starting at index ``offset`` of the line, and ``clusters``
    each glyph's cluster (an index into the line). A glyph stands for the characters from its
    cluster to the next one, in visual order (reversed when right to left, as readers reverse
    right-to-left stretches); when several glyphs share a cluster, the first drawn carries
    the characters and the others none.
    """
    starts = sorted(set(clusters))
    ends = dict(zip(starts, [*starts[1:], offset + len(text)], strict=True))
    first = starts[0] if starts else offset
    texts = []
    previous = None
    for cluster in clusters:
        if cluster == previous:
            texts.append("")
            continue
        begin = offset if cluster == first else cluster  # characters before the first glyph
        characters = text[begin - offset : ends[cluster] - offset]
        texts.append(characters[::-1] if rtl else characters)
        previous = cluster
    return tuple(texts)


#: Left-to-right mark: ends a right-to-left stretch for poppler before a neutral character.
LRM = "\u200e"
#: Right-to-left mark: starts a right-to-left stretch for poppler before a mark or a space.
RLM = "\u200f"


#: The blocks whose letters poppler (22.12, its UnicodeTypeTable) treats as right to left:
#: Hebrew, Arabic, Syriac, Thaana and the Hebrew and Arabic presentation forms. It knows
#: neither N'Ko nor anything beyond U+FFFF (Adlam), which it leaves in the order given.
POPPLER_RIGHT_TO_LEFT = ((0x0590, 0x07BF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def _poppler_reverses(text: str) -> bool:
    strong = next((ch for ch in text if unicodedata.bidirectional(ch) in ("R", "AL")), None)
    return strong is not None and any(low <= ord(strong) <= high for low, high in POPPLER_RIGHT_TO_LEFT)


def visual_text(runs: Sequence[tuple[str, bool]]) -> str:
    """The text poppler must be given so that its reordering yields the logical text.

    ``runs`` are (text, right to left?) in visual order. Poppler reverses every stretch that
    starts with a letter it takes to be right to left (``POPPLER_RIGHT_TO_LEFT``) and runs
    until a left-to-right letter or a digit, so such runs are given reversed (N'Ko and Adlam
    runs are not: poppler keeps them in the order given); a reversed run that starts with a mark or a space
    (the last character typed) is opened with a right-to-left mark, and one followed by a
    left-to-right run that starts with a space or punctuation is closed with a left-to-right
    mark, or poppler would move those characters to the wrong side. The marks are invisible
    and only say what the text's direction already says.
    """
    parts = []
    for index, (text, rtl) in enumerate(runs):
        if not rtl or not _poppler_reverses(text):
            parts.append(text)
            continue
        reversed_text = text[::-1]
        if reversed_text and unicodedata.bidirectional(reversed_text[0]) not in ("R", "AL"):
            parts.append(RLM)  # a final mark or space would otherwise stay on the left
        parts.append(reversed_text)
        following = runs[index + 1][0] if index + 1 < len(runs) else ""
        if following and not runs[index + 1][1] and not _strong_or_digit(following[0]):
            parts.append(LRM)
    return "".join(parts)


def _strong_or_digit(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("L", "EN", "AN")


def actual_text_spans(logical: str, runs: Sequence[tuple[str, bool]]) -> list[str]:
    """The marked-content operators that open the ActualText spans around one drawn line.

    A line without right-to-left text gets one ``/Span`` with its text, which every reader that
    honours ActualText reads the same way. A line with right-to-left text gets two nested
    spans: the outer ``/Span`` holds ``visual_text`` for poppler (which honours ActualText only
    in a ``/Span`` and takes its text to be in visual order), the inner ``/LogicalText`` the
    logical text for PDFium and others that take the innermost ActualText of any marked content
    and read it in logical order. The caller closes each with ``EMC``.
    """
    visual = visual_text(runs)
    spans = [f"/Span <</ActualText {actual_text_string(visual)}>> BDC"]
    if visual != logical:
        spans.append(f"/LogicalText <</ActualText {actual_text_string(logical)}>> BDC")
    return spans


def actual_text_string(text: str) -> str:
    """A PDF hex string in UTF-16BE with a byte-order mark, for ``/ActualText``."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class TextMappedFont(TTFont):
    """A reportlab TrueType font whose ToUnicode map says what each private code stands for.

    ``code_for(gid, text)`` returns the code point to put in a ``ShapedStr`` so that glyph
    ``gid`` is drawn and the text layer reads ``text``. Codes are shared by every document of
    the process (reportlab's subsets are per document; the tables behind them are per font).
    """

    def __init__(self, name: str, filename: str):
        super().__init__(name, filename)
        self.texts: dict[int, str] = {}
        self._codes: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()
        self._next = iter(code for codes in _PRIVATE_RANGES for code in codes)

    def code_for(self, gid: int, text: str) -> int:
        face = self.face
        if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
            return ord(text)
        code = self._codes.get((gid, text))
        if code is not None:
            return code
        with self._lock:
            code = self._codes.get((gid, text))
            if code is None:
                code = self._allocate(gid, text)
        return code

    def _allocate(self, gid: int, text: str) -> int:
        face = self.face
        for code in self._next:
            if code not in face.charToGlyph:
                break
        else:
            raise RuntimeError(f"{self.fontName}: no private code left for glyph {gid}")
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = self.pdfScale(face.hmetrics[gid][0])
        self.texts[code] = text
        self._codes[(gid, text)] = code
        return code

    def addObjects(self, doc) -> None:
        """Let reportlab write the subsets, then replace ToUnicode maps that name private codes."""
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            if not any(code in self.texts for code in subset):
                continue
            pdf_font = fonts[name]
            stream = doc.idToObject[pdf_font.ToUnicode.name]
            stream.content = to_unicode_cmap(
                str(pdf_font.BaseFont), [self.texts.get(code, chr(code)) for code in subset]
            )


def to_unicode_cmap(name: str, texts: Sequence[str]) -> str:
    """A ToUnicode CMap (PDF 32000-1, 9.10.3) mapping one-byte code ``i`` to ``texts[i]``.

    Destinations are UTF-16BE, several characters where a glyph stands for several, empty where
    a glyph stands for none (it is inside an ActualText span). At most 100 entries per block,
    as the CMap format requires.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(texts) - 1:02X}>",
        "endcodespacerange",
    ]
    entries = [f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in enumerate(texts)]
    for block in range(0, len(entries), 100):
        chunk = entries[block : block + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)
