"""The fonts shipped for printing names in any script, and which characters they can print.

Split from `typesetting` so that checking a name (accounts: a character no font has is refused
when the person can still fix it) needs neither reportlab nor the shaping code: only the fonts'
character maps, loaded into HarfBuzz once per process (memory-mapped, a few milliseconds).
The fonts live in ``fonts/`` (see its README.md).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import uharfbuzz as hb

FONTS_DIR = Path(__file__).with_name("fonts")


@dataclass(frozen=True)
class ShippedFont:
    """One font file of ``fonts/`` and the reportlab name it is registered as.

    ``languages`` lists BCP 47 primary language subtags for which this font
    is preferred over an earlier font that also covers the text (Nastaliq for
    Urdu, where Naskh would otherwise be chosen).  ``family`` marks the fonts
    whose glyphs depend on a language that may have to be guessed.
    """

    file: str
    languages: frozenset[str] = frozenset()
    family: Literal["", "arabic", "cjk"] = ""

    @property
    def name(self) -> str:
        return "LmsCertificate-" + self.file.removesuffix(".ttf")

    @property
    def path(self) -> Path:
        return FONTS_DIR / self.file


#: Shipped fonts in order of preference.  Noto Sans comes first so Latin,
#: Greek, Cyrillic, digits and punctuation use it even though other fonts
#: also map them; Noto Sans CJK comes late because it maps ASCII too, and its
#: extension file (CJK Extension A, and B-G as chosen in its README) last, so
#: that it is used only for the ideographs the main CJK file lacks.
SHIPPED_FONTS: tuple[ShippedFont, ...] = (
    ShippedFont("NotoSans-Regular.ttf"),
    ShippedFont("NotoNaskhArabic-Regular.ttf", family="arabic"),
    ShippedFont("NotoNastaliqUrdu-Regular.ttf", frozenset({"ur"}), "arabic"),
    ShippedFont("NotoSansHebrew-Regular.ttf"),
    ShippedFont("NotoSansDevanagari-Regular.ttf"),
    ShippedFont("NotoSansBengali-Regular.ttf"),
    ShippedFont("NotoSansTamil-Regular.ttf"),
    ShippedFont("NotoLoopedThai-Regular.ttf"),
    ShippedFont("NotoSansKhmer-Regular.ttf"),
    ShippedFont("NotoSansMyanmar-Regular.ttf"),
    ShippedFont("NotoSansSinhala-Regular.ttf"),
    ShippedFont("NotoSansEthiopic-Regular.ttf"),
    ShippedFont("NotoSansGujarati-Regular.ttf"),
    ShippedFont("NotoSansGurmukhi-Regular.ttf"),
    ShippedFont("NotoSansTelugu-Regular.ttf"),
    ShippedFont("NotoSansKannada-Regular.ttf"),
    ShippedFont("NotoSansMalayalam-Regular.ttf"),
    ShippedFont("NotoSansOriya-Regular.ttf"),
    ShippedFont("NotoSansGeorgian-Regular.ttf"),
    ShippedFont("NotoSansArmenian-Regular.ttf"),
    ShippedFont("NotoSansLao-Regular.ttf"),
    ShippedFont("NotoSansThaana-Regular.ttf"),
    ShippedFont("NotoSansSyriac-Regular.ttf"),
    ShippedFont("NotoSansNKo-Regular.ttf"),
    ShippedFont("NotoSansAdlam-Regular.ttf"),
    ShippedFont("NotoSansTifinagh-Regular.ttf"),
    ShippedFont("NotoSerifTibetan-Regular.ttf"),
    ShippedFont("NotoSansMongolian-Regular.ttf"),
    ShippedFont("NotoSansCJK-Regular.ttf", family="cjk"),
    ShippedFont("NotoSansCJKExt-Regular.ttf", family="cjk"),
)


class UnprintableTextError(ValueError):
    """Raised when text contains characters that no shipped font can print.

    ``characters`` lists them, as ``uncovered_characters`` would.  Drawing
    refuses such text rather than printing empty boxes on a certificate.
    """

    def __init__(self, characters: list[str]):
        self.characters = characters
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in characters)
        super().__init__(f"No certificate font can print: {shown}")


@dataclass(frozen=True)
class Face:
    spec: ShippedFont
    font: hb.Font
    unicodes: frozenset[int]
    upem: int


@functools.cache
def faces() -> tuple[Face, ...]:
    """Load every shipped font into HarfBuzz once per process.

    Blobs are memory-mapped, so this costs a few milliseconds.  A harmless
    race may load them twice on first use from two threads; the result is
    the same.
    """
    faces = []
    for spec in SHIPPED_FONTS:
        face = hb.Face(hb.Blob.from_file_path(str(spec.path)))
        faces.append(Face(spec, hb.Font(face), frozenset(face.unicodes), face.upem))
    return tuple(faces)


@functools.cache
def _all_covered() -> frozenset[int]:
    covered: set[int] = set()
    for face in faces():
        covered |= face.unicodes
    return frozenset(covered)


def is_invisible(ch: str) -> bool:
    """True for characters that need no glyph: spaces, joiners, bidi marks.

    Format characters (ZWJ, ZWNJ, LRM...) and variation selectors change how
    their neighbours are shaped or ordered but are not drawn; HarfBuzz drops
    them from its output.
    """
    if ch.isspace():
        return True
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return True
    return unicodedata.category(ch) in ("Cf", "Cc")


def prepare(text: str) -> str:
    """NFC-normalise and collapse white space to single ASCII spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def uncovered_characters(text: str) -> list[str]:
    """Return the distinct characters of ``text`` no shipped font can print.

    For the registration form, to explain which characters of a name cannot
    appear on a certificate.  Characters are returned NFC-normalised, in
    order of first appearance; spaces, joiners and other invisible format
    characters are ignored, and common punctuation is always printable (Noto
    Sans covers it), so it is never reported.  Does not register anything
    with reportlab; the font cmaps are loaded once per process.
    """
    covered = _all_covered()
    found: dict[str, None] = {}
    for ch in prepare(text):
        if ord(ch) not in covered and not is_invisible(ch):
            found[ch] = None
    return list(found)
