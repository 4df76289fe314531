"""Rebuild ``lms/typography/fonts/`` from Debian's Noto font packages.

Run ``.venv/bin/python tools/fontbuild.py`` on a Debian machine with
``fonts-noto-core``, ``fonts-noto-cjk`` and ``fonts-noto-extra`` installed
(see ``tools/README.md``).  It is a build tool, not part of the application:
it needs fontTools, which the running platform never imports.
The certificates print learners' names in any script, so the repository ships
its own fonts instead of trusting whatever a server has installed; this script
is how those files were made, so the next engineer can change the selection
(another script, another weight) and get a reviewable, reproducible result.

What it does to each source font and why:

* Every font loses its TrueType hinting.  Hints only help screens at small
  pixel sizes; certificates are PDFs for print and zoom, and dropping them
  saves about a third of the bytes.  OpenType layout tables (GSUB/GPOS) are
  kept in full: shaping needs them.
* Noto Sans CJK is distributed as CFF outlines in a TrueType collection, which
  reportlab refuses to embed.  We take the Simplified Chinese face, keep only
  the characters names use (see ``cjk_repertoire``), keep the Japanese and
  Traditional Chinese glyph variants reachable through the ``locl`` feature,
  and convert the outlines to quadratic TrueType curves with cu2qu.  The rarer
  ideographs (``cjk_extension_repertoire``) go into a second file made the
  same way, so that changing their selection leaves the 14 MB main file as it
  is.

The build is deterministic: running it twice on the same packages and the same
fontTools gives byte-identical files (timestamps are taken from the sources).
It also writes ``OFL.txt`` and ``README.md`` next to the fonts.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

FONTS_DIR = Path(__file__).resolve().parent.parent / "lms" / "typography" / "fonts"
TRUETYPE_DIR = Path("/usr/share/fonts/truetype/noto")
OPENTYPE_DIR = Path("/usr/share/fonts/opentype/noto")
DEBIAN_PACKAGES = ("fonts-noto-core", "fonts-noto-cjk", "fonts-noto-extra")

#: Largest distance, in font units (1000 per em), between a converted
#: quadratic curve and the original cubic one: 0.036 pt at a 36 pt name,
#: far below what a printer or a zoomed PDF viewer shows.
CU2QU_MAX_ERROR = 1.0

#: OpenType language systems kept in the CJK font.  Simplified Chinese is the
#: default face; Japanese and Traditional Chinese forms are reached through
#: ``locl``.  Hong Kong and Korean forms are dropped to save 1.3 MB: Hong Kong
#: names then use Taiwan forms and Korean hanja use Traditional forms.
CJK_LANGUAGE_SYSTEMS = frozenset({"ZHS", "ZHT", "JAN"})

#: Layout features kept in the CJK font.  The others (vertical forms,
#: full-width/proportional alternates, ruby, ``aalt``) are never applied to a
#: horizontal name and would pull thousands of extra glyphs into the subset.
CJK_LAYOUT_FEATURES = ("ccmp", "locl", "kern", "liga")

#: Face index of Noto Sans CJK SC inside NotoSansCJK-Regular.ttc.
CJK_SC_FACE = 2


@dataclass(frozen=True)
class Recipe:
    """How one shipped font file is made from a Debian font file."""

    output: str
    source: Path
    scripts: str
    face_index: int | None = None
    cjk: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Which of the source's code points to keep; every one when None.
    repertoire: Callable[[set[int]], set[int]] | None = None
    #: What the README says was done, when more than removing the hinting.
    treatment: str = ""


def _noto(name: str, scripts: str, *notes: str) -> Recipe:
    return Recipe(f"{name}-Regular.ttf", TRUETYPE_DIR / f"{name}-Regular.ttf", scripts, notes=notes)


CJK_TREATMENT = (
    "subset to the CJK Unified Ideographs block (4E00–9FFF), 12 unified compatibility "
    "ideographs, 𠮷 and 𠮟, all Hangul syllables, kana, CJK punctuation and full-width "
    "forms; Japanese (JAN) and Traditional Chinese (ZHT) `locl` variants kept, Korean and "
    "Hong Kong ones dropped; vertical-writing tables dropped; CFF outlines converted to "
    "TrueType (cu2qu, max error 1 unit/1000 em)"
)

CJK_EXTENSION_TREATMENT = (
    "subset to CJK Extension A and the ideographs beyond the BMP the source draws (Extensions "
    "B-G, compatibility ideographs left out), plus spaces; otherwise made like "
    "`NotoSansCJK-Regular.ttf` (same face, `locl` variants, outline conversion)"
)


def cjk_repertoire(available: set[int]) -> set[int]:
    """Return the code points of the CJK font subset.

    Every character of the CJK Unified Ideographs block is kept rather than a
    frequency list (GB 2312, Big5 level 1, Jōyō...): those lists miss many
    characters that real given names use (喆, 堃, 玥, 珺...), and a name that
    cannot be printed is worse for a learner than 5 MB more in the repository.
    The rarer extension blocks are left out, except two ideographs from
    Japanese names and the Jōyō list.  All 11,172 Hangul syllables are kept:
    the 2,350 of KS X 1001 miss syllables that occur in given names.
    """
    wanted: set[int] = set()
    for first, last in (
        (0x0020, 0x007E),  # spaces and punctuation inside CJK runs
        (0x3000, 0x303F),  # CJK symbols: ideographic space, 々, 〆
        (0x3041, 0x30FF),  # hiragana, katakana, ・, ー
        (0x31F0, 0x31FF),  # katakana phonetic extensions (Ainu)
        (0x4E00, 0x9FFF),  # CJK Unified Ideographs
        (0xAC00, 0xD7A3),  # Hangul syllables
        (0xFF01, 0xFFEF),  # full-width and half-width forms
    ):
        wanted.update(range(first, last + 1))
    # Compatibility ideographs that are really unified ideographs and that
    # NFC leaves alone, e.g. 﨑 in 山﨑; the other F900 characters normalise to
    # the main block.
    wanted.update(
        (0xFA0E, 0xFA0F, 0xFA11, 0xFA13, 0xFA14, 0xFA1F, 0xFA21, 0xFA23, 0xFA24, 0xFA27, 0xFA28, 0xFA29)
    )
    wanted.update((0x20BB7, 0x20B9F))  # 𠮷 (Yoshino family names), 𠮟 (Jōyō)
    wanted.add(0x00A0)
    return wanted & available


#: Compatibility ideographs beyond the BMP: NFC replaces every one of them by a unified
#: ideograph, so a normalised name never contains them.
CJK_COMPATIBILITY_SUPPLEMENT = range(0x2F800, 0x2FA20)


def cjk_extension_repertoire(available: set[int]) -> set[int]:
    """Return the code points of the CJK extension font: the ideographs the main font lacks.

    All of Extension A (U+3400-4DBF) that Noto Sans CJK draws, and every ideograph beyond the
    BMP that it draws (Extensions B to G), which is a small, chosen part of those blocks:
    Extension B alone has 42,720 characters, mostly historical and variant forms; Noto Sans CJK
    (Adobe's Source Han Sans) draws 2,108 of them, chosen for regional standards, among them
    every Extension B character of Hong Kong's HKSCS (1,682) and of Japan's JIS X 0213 (303).
    ``extension_statistics`` counts them for the README.  Spaces are kept so that a space
    between two rare ideographs does not split the run.
    """
    wanted = set(range(0x3400, 0x4DC0))
    wanted.update(code for code in available if code >= 0x20000 and code not in CJK_COMPATIBILITY_SUPPLEMENT)
    wanted.update((0x0020, 0x00A0, 0x3000))
    return wanted & available


def extension_statistics(available: set[int]) -> dict[str, int]:
    """How many characters of each part the extension font keeps, with two regional standards
    counted through Python's codecs (big5hkscs: HKSCS-2004; euc_jis_2004: JIS X 0213)."""
    kept = cjk_extension_repertoire(available)

    def encodable(code: int, codec: str) -> bool:
        try:
            chr(code).encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    extension_b = [code for code in kept if 0x20000 <= code <= 0x2A6DF]
    return {
        "extension_a": sum(1 for code in kept if 0x3400 <= code <= 0x4DBF),
        "extension_b": len(extension_b),
        "hkscs": sum(1 for code in extension_b if encodable(code, "big5hkscs")),
        "hkscs_total": sum(1 for code in range(0x20000, 0x2A6E0) if encodable(code, "big5hkscs")),
        "jis": sum(1 for code in extension_b if encodable(code, "euc_jis_2004")),
        "jis_total": sum(1 for code in range(0x20000, 0x2A6E0) if encodable(code, "euc_jis_2004")),
        "later": sum(1 for code in kept if code > 0x2A6DF),
    }


RECIPES: tuple[Recipe, ...] = (
    _noto("NotoSans", "Latin (incl. Vietnamese, Yoruba, African Latin), Greek, Cyrillic"),
    _noto(
        "NotoNaskhArabic",
        "Arabic, Persian, Urdu (fallback), Pashto, Sindhi, Kurdish",
        "Naskh rather than Noto Sans Arabic: the book style suits a certificate.",
    ),
    _noto(
        "NotoNastaliqUrdu",
        "Urdu, in the Nastaliq style Urdu readers expect",
        "Used instead of Naskh for text recognised or declared as Urdu.",
    ),
    _noto("NotoSansHebrew", "Hebrew"),
    _noto("NotoSansDevanagari", "Devanagari (Hindi, Marathi, Nepali, Sanskrit)"),
    _noto("NotoSansBengali", "Bengali, Assamese"),
    _noto("NotoSansTamil", "Tamil"),
    _noto(
        "NotoLoopedThai",
        "Thai",
        "Looped rather than loopless Noto Sans Thai: formal Thai documents use looped letters.",
    ),
    _noto("NotoSansKhmer", "Khmer"),
    _noto("NotoSansMyanmar", "Myanmar (Burmese)"),
    _noto("NotoSansSinhala", "Sinhala"),
    _noto("NotoSansEthiopic", "Ethiopic (Amharic, Tigrinya)"),
    _noto("NotoSansGujarati", "Gujarati"),
    _noto("NotoSansGurmukhi", "Gurmukhi (Punjabi)"),
    _noto("NotoSansTelugu", "Telugu"),
    _noto("NotoSansKannada", "Kannada"),
    _noto("NotoSansMalayalam", "Malayalam"),
    _noto("NotoSansOriya", "Odia"),
    _noto("NotoSansGeorgian", "Georgian"),
    _noto("NotoSansArmenian", "Armenian"),
    _noto("NotoSansLao", "Lao"),
    _noto("NotoSansThaana", "Thaana (Dhivehi)"),
    _noto("NotoSansSyriac", "Syriac (Estrangela forms; Eastern and Western forms through `locl`)"),
    _noto("NotoSansNKo", "N'Ko (Manding languages: Guinea, Mali, Côte d'Ivoire)"),
    _noto(
        "NotoSansAdlam",
        "Adlam (Fulani/Pular across West Africa)",
        "Joined rather than Noto Sans Adlam Unjoined: joined letters are how Adlam is usually handwritten and printed.",
    ),
    _noto(
        "NotoSansTifinagh",
        "Tifinagh (Tamazight: Morocco, Algeria; Tuareg: Niger, Mali)",
        "The general Noto Sans Tifinagh (the neo-Tifinagh letters standardised by IRCAM) rather than one of Noto's eleven regional Tuareg styles: it covers the whole Unicode block.",
    ),
    Recipe(
        "NotoSerifTibetan-Regular.ttf",
        TRUETYPE_DIR / "NotoSerifTibetan-Regular.ttf",
        "Tibetan (Tibetan, Dzongkha, Ladakhi)",
        notes=(
            "Serif: Noto has no sans-serif Tibetan; the Uchen letters it draws are the formal book hand.",
        ),
    ),
    _noto(
        "NotoSansMongolian",
        "Mongolian (traditional script), set horizontally (see `typesetting.py`)",
    ),
    Recipe(
        "NotoSansCJK-Regular.ttf",
        OPENTYPE_DIR / "NotoSansCJK-Regular.ttc",
        "Chinese (Simplified and Traditional), Japanese, Korean",
        face_index=CJK_SC_FACE,
        cjk=True,
        repertoire=cjk_repertoire,
        treatment=CJK_TREATMENT,
    ),
    Recipe(
        "NotoSansCJKExt-Regular.ttf",
        OPENTYPE_DIR / "NotoSansCJK-Regular.ttc",
        "Rarer ideographs: CJK Extension A; Extension B as Hong Kong (HKSCS) and Japan (JIS X 0213) use it; Extensions C-G",
        face_index=CJK_SC_FACE,
        cjk=True,
        repertoire=cjk_extension_repertoire,
        treatment=CJK_EXTENSION_TREATMENT,
    ),
)


def load_source(recipe: Recipe) -> TTFont:
    """Open a recipe's source font, keeping its own timestamps."""
    if recipe.face_index is None:
        return TTFont(recipe.source, recalcTimestamp=False)
    return TTFont(recipe.source, fontNumber=recipe.face_index, recalcTimestamp=False)


def subset_options(cjk: bool) -> subset.Options:
    """Subsetter options: no hinting, every name record, layout kept."""
    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.recalc_timestamp = False
    options.glyph_names = False  # reportlab and HarfBuzz work with glyph ids
    if cjk:
        options.layout_features = list(CJK_LAYOUT_FEATURES)
        options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    else:
        options.layout_features = ["*"]
    return options


def prune_language_systems(font: TTFont, keep: frozenset[str]) -> None:
    """Remove OpenType language systems not in ``keep`` from GSUB and GPOS.

    The subsetter keeps every glyph that any language's ``locl`` can reach;
    removing the language systems first is what keeps their glyphs out.
    """
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        for script_record in font[tag].table.ScriptList.ScriptRecord:
            script = script_record.Script
            script.LangSysRecord = [
                record for record in script.LangSysRecord if record.LangSysTag.strip() in keep
            ]
            script.LangSysCount = len(script.LangSysRecord)


def convert_to_truetype_outlines(font: TTFont) -> None:
    """Replace a font's CFF outlines by quadratic ``glyf`` outlines.

    reportlab only embeds ``glyf`` fonts.  CFF contours run counter-clockwise
    and TrueType ones clockwise, hence ``reverse_direction``.
    """
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, CU2QU_MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    _make_truetype_maxp(font["maxp"])
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _make_truetype_maxp(maxp) -> None:
    """Turn a CFF-style maxp (version 0.5) into a TrueType one (1.0).

    The point and contour counts are recalculated when the font is saved; the
    instruction-related fields stay zero because the font has no hinting.
    """
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attribute in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
    ):
        setattr(maxp, attribute, 0)


def build_font(recipe: Recipe, out_dir: Path) -> Path:
    """Make one shipped font from its Debian source and return its path."""
    font = load_source(recipe)
    available = set(font.getBestCmap())
    if recipe.cjk:
        prune_language_systems(font, CJK_LANGUAGE_SYSTEMS)
    unicodes = recipe.repertoire(available) if recipe.repertoire else available
    subsetter = subset.Subsetter(subset_options(recipe.cjk))
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    if recipe.cjk:
        convert_to_truetype_outlines(font)
    target = out_dir / recipe.output
    font.save(target)
    return target


def debian_package(path: Path) -> tuple[str, str]:
    """Return the Debian package owning ``path`` and its installed version."""
    owner = subprocess.run(
        ["dpkg-query", "-S", str(path)], capture_output=True, text=True, check=True
    ).stdout.split(":", 1)[0]
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", owner], capture_output=True, text=True, check=True
    ).stdout
    return owner, version


def ofl_text() -> str:
    """Return the SIL OFL 1.1 text as Debian ships it for Noto CJK."""
    lines = Path("/usr/share/doc/fonts-noto-cjk/copyright").read_text().splitlines()
    for start, line in enumerate(lines):
        if line == "License: SIL-1.1" and start + 1 < len(lines) and lines[start + 1].startswith(" "):
            break
    else:
        raise SystemExit("Could not find the OFL text in fonts-noto-cjk's copyright file")
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    return "\n".join(body).strip() + "\n"


def write_licence(out_dir: Path, fonts: list[tuple[Recipe, Path]]) -> None:
    """Write OFL.txt: each font's copyright notice, then the licence."""
    notices = []
    for recipe, path in fonts:
        with TTFont(path) as font:
            notice = font["name"].getDebugName(0)
        notices.append(f"{recipe.output}: {notice}")
    header = (
        "The font files in this directory are Modified Versions (subsets without\n"
        "hinting; see README.md) of Noto fonts, licensed under the SIL Open Font\n"
        "License 1.1 reproduced below. Copyright notices:\n\n"
    )
    cjk_note = (
        "\nUpstream, Noto Sans CJK (a version of Adobe's Source Han Sans) is licensed\n"
        "with Reserved Font Name 'Source'; the modified file here does not use it.\n\n"
    )
    (out_dir / "OFL.txt").write_text(header + "\n".join(notices) + "\n" + cjk_note + ofl_text())


def write_readme(out_dir: Path, fonts: list[tuple[Recipe, Path]]) -> None:
    """Write README.md: where each file comes from and what was done to it."""
    rows = []
    total = 0
    for recipe, path in fonts:
        package, version = debian_package(recipe.source)
        size = path.stat().st_size
        total += size
        face = f" (face {recipe.face_index}, Noto Sans CJK SC)" if recipe.face_index is not None else ""
        treatment = recipe.treatment or "all its characters kept; hinting removed"
        changes = " ".join((f"{treatment}.", *recipe.notes))
        rows.append(
            f"| `{recipe.output}` | {recipe.scripts} | {package} {version} | "
            f"`{recipe.source}`{face} | {changes} | {size / 1024:,.0f} KiB | "
            f"`{_sha256(path)[:12]}` |"
        )
    table = "\n".join(rows)
    (out_dir / "README.md").write_text(
        README_TEMPLATE.format(
            table=table, total=total / 1024 / 1024, fonttools=_fonttools_version(), **_extension_figures()
        )
    )


def _extension_figures() -> dict[str, int]:
    recipe = next(recipe for recipe in RECIPES if recipe.repertoire is cjk_extension_repertoire)
    with load_source(recipe) as font:
        return extension_statistics(set(font.getBestCmap()))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fonttools_version() -> str:
    import fontTools

    return fontTools.version


README_TEMPLATE = """\
# Certificate fonts

Fonts used by `lms/typography/typesetting.py` to print learners' names and
course titles in any script.  All are Noto fonts under the SIL Open Font
License 1.1 (see `OFL.txt`).  **Do not edit these files by hand**: they are
made by `tools/fontbuild.py` (which also writes this README) from Debian's
`fonts-noto-core`, `fonts-noto-cjk` and `fonts-noto-extra`; see
`tools/README.md`.  To rebuild:

    apt-get install -y fonts-noto-core fonts-noto-cjk fonts-noto-extra
    .venv/bin/python tools/fontbuild.py

The build is deterministic for given package and fontTools versions (this
one used fontTools {fonttools}).

| File | Scripts | Debian package | Original file | Changes | Size | SHA-256 |
| --- | --- | --- | --- | --- | --- | --- |
{table}

Total: {total:.1f} MiB.

## Why these choices

* **One weight, Regular.**  Certificates print one name per page; a single
  weight per script keeps the directory small, and Regular is the weight
  every Noto script family has, so names in different scripts look alike.
* **Hinting removed** from every font.  Hints only improve rendering on
  low-resolution screens at small sizes; these fonts go into PDFs for print.
  It saves about a third of the bytes.  GSUB, GPOS and GDEF are kept whole
  (except in the CJK font, see below) because shaping needs them: Arabic
  joining, Indic conjuncts, mark placement for Vietnamese, Yoruba, Thai,
  Khmer and Myanmar.
* **Noto Sans CJK converted and subset.**  Debian ships it as CFF outlines in
  a TrueType collection; reportlab only embeds TrueType (`glyf`) outlines.
  The Simplified Chinese face is converted with fontTools' cu2qu and subset:
  - the whole CJK Unified Ideographs block rather than a frequency list such
    as GB 2312 + Big5 level 1 + Jōyō/Jinmeiyō (about 10,000 characters, 8.9
    MB instead of 14): those lists miss characters that real given names use
    (喆, 堃, 玥, 珺...), and refusing a learner's name is worse than 5 MB;
  - all 11,172 Hangul syllables rather than the 2,350 of KS X 1001, which
    miss syllables found in given names (똠, 햏...), for 1.7 MB;
  - Japanese and Traditional Chinese glyph forms are kept and reached with
    the OpenType `locl` feature when the text is Japanese or Traditional
    Chinese (told by the caller or guessed, see `typesetting.py`), so 直 or
    骨 are drawn the way a Japanese or Taiwanese reader writes them.  Korean
    and Hong Kong forms are dropped (1.3 MB): Korean hanja and Hong Kong
    names use the Taiwan forms;
  - vertical-writing tables and features, full-width/proportional
    alternates and glyph names are dropped; they are never used for a
    horizontal name.
  The extension blocks are in a font of their own, next point.
* **Rarer ideographs in a second CJK file, `NotoSansCJKExt-Regular.ttf`**,
  made from the same face in the same way: all {extension_a:,} characters of
  CJK Extension A that Noto Sans CJK draws, and the {extension_b:,} of
  Extension B's 42,720 that it draws (Adobe chose them for regional standards:
  they include all {hkscs:,} Extension B characters of Hong Kong's HKSCS and
  all {jis:,} of Japan's JIS X 0213, as Python's `big5hkscs` and
  `euc_jis_2004` codecs define them), plus {later:,} from Extensions C to G.
  Compatibility ideographs beyond the BMP are left out: NFC replaces each of
  them by a unified ideograph.  A separate file rather than a larger
  `NotoSansCJK-Regular.ttf`: the main file stays byte for byte what it was, so
  the repository does not carry a second 14 MB version of it, and a name
  without rare characters never touches the extension font's glyphs (a name
  mixing both is split into runs, which CJK shaping does not notice: the
  glyphs come from the same design).  Other Extension B–G characters are
  refused by `typesetting.uncovered_characters` when a name is saved.
* **Syriac, N'Ko, Adlam, Tifinagh, Tibetan, traditional Mongolian**, the
  other scripts written in the platform's countries: Syriac for Aramaic
  names (Noto Sans Syriac: Estrangela by default, with Eastern and Western
  forms for text tagged `syr-Syrn` or `syr-Syrj`); N'Ko for Manding names in
  Guinea and Mali; Adlam for Fulani names across West Africa (the joined
  style, as it is written); Tifinagh for Tamazight in Morocco and Algeria and
  Tuareg names in Niger and Mali (the general Noto Sans Tifinagh, which
  covers the whole block, rather than one of its eleven regional Tuareg
  styles); Tibetan in Noto Serif Tibetan (Noto has no sans-serif Tibetan);
  traditional Mongolian in Noto Sans Mongolian.  Mongolian is written in
  vertical columns, but a certificate's name line is horizontal: the name is
  set left to right with its letters turned a quarter turn anticlockwise,
  as browsers and word processors set Mongolian inside horizontal text and
  as the font's glyphs are drawn, so it reads top to bottom when the page is
  turned a quarter turn clockwise.
* **Noto Naskh Arabic** rather than Noto Sans Arabic for Arabic and Persian,
  and **Noto Nastaliq Urdu** for Urdu: Naskh is the book hand expected on a
  formal document; Urdu readers expect Nastaliq.
* **Noto Looped Thai** rather than the loopless Noto Sans Thai: official
  Thai documents and certificates use looped letterforms.
* Scripts beyond the required list (Gujarati, Gurmukhi, Telugu, Kannada,
  Malayalam, Odia, Georgian, Armenian, Lao, Thaana) cost 0.9 MB together and
  cover the official languages of India and several neighbouring countries.
"""


def check_packages() -> None:
    """Stop with an explanation when the Debian font packages are missing."""
    missing = [recipe.source for recipe in RECIPES if not recipe.source.exists()]
    if missing:
        names = " ".join(DEBIAN_PACKAGES)
        raise SystemExit(
            f"Missing source fonts, e.g. {missing[0]}.\nInstall them with: apt-get install -y {names}"
        )


def main(argv: list[str] | None = None) -> int:
    """Build every font into the output directory, then its OFL.txt and README."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FONTS_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    check_packages()
    args.out.mkdir(parents=True, exist_ok=True)
    built = []
    for recipe in RECIPES:
        started = time.perf_counter()
        path = build_font(recipe, args.out)
        print(
            f"{path.name:32} {path.stat().st_size / 1024:9,.0f} KiB {time.perf_counter() - started:6.1f} s",
            flush=True,
        )
        built.append((recipe, path))
    write_licence(args.out, built)
    write_readme(args.out, built)
    total = sum(path.stat().st_size for _, path in built)
    print(f"{'total':32} {total / 1024:9,.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
