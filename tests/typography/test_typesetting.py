"""Names in every script come out of the certificate typesetter shaped, ordered and printable.

Self-contained: needs no application, only the shipped fonts and, for the rendering tests,
poppler's `pdftoppm` (`apt-get install -y poppler-utils`); like the browser tests they fail
rather than skip when it is missing.  Set UPDATE_REFERENCE_IMAGES=1 to rewrite the reference
PNGs after an intended change of fonts or layout, then look at them before committing.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from reportlab.pdfgen.canvas import Canvas

from lms.typography import typesetting
from lms.typography.typesetting import (
    SHIPPED_FONTS,
    UnprintableTextError,
    bidi_levels,
    draw_name,
    draw_text_line,
    register_fonts,
    shape_line,
    text_width,
    uncovered_characters,
    visual_order,
)

REFERENCE_DIR = Path(__file__).with_name("reference")

# name -> font file expected to print its letters
SAMPLES = {
    "Nguyễn Thị Phương": "NotoSans-Regular.ttf",
    "Ọlọ́runfẹ́mi Adébáyọ̀": "NotoSans-Regular.ttf",
    "Αικατερίνη Παπαδοπούλου": "NotoSans-Regular.ttf",
    "Анастасия Кузнецова": "NotoSans-Regular.ttf",
    "王秀英": "NotoSansCJK-Regular.ttf",
    "陳美玲": "NotoSansCJK-Regular.ttf",
    "佐藤 花子": "NotoSansCJK-Regular.ttf",
    "김민지": "NotoSansCJK-Regular.ttf",
    "فاطمة الزهراء": "NotoNaskhArabic-Regular.ttf",
    "زهرا محمدی": "NotoNaskhArabic-Regular.ttf",
    "عائشہ صدیقی": "NotoNastaliqUrdu-Regular.ttf",
    "שרה לוי": "NotoSansHebrew-Regular.ttf",
    "प्रिया शर्मा": "NotoSansDevanagari-Regular.ttf",
    "সুমাইয়া আক্তার": "NotoSansBengali-Regular.ttf",
    "மீனா சுப்பிரமணியம்": "NotoSansTamil-Regular.ttf",
    "สมศรี ใจดี": "NotoLoopedThai-Regular.ttf",
    "សុខ ចាន់ថា": "NotoSansKhmer-Regular.ttf",
    "အောင်ဆန်း စုကြည်": "NotoSansMyanmar-Regular.ttf",
    "නිමාලි පෙරේරා": "NotoSansSinhala-Regular.ttf",
    "ሰላማዊት ተስፋዬ": "NotoSansEthiopic-Regular.ttf",
    "ޢާއިޝަތު ނަޝީދާ": "NotoSansThaana-Regular.ttf",
    "ܐܦܪܝܡ ܒܪ ܝܘܣܦ": "NotoSansSyriac-Regular.ttf",  # Aphrem bar Yawsef (Syriac)
    "ߡߊ߬ߡߊ߬ߘߎ ߞߊ߲ߕߍ": "NotoSansNKo-Regular.ttf",  # Mamadu Kanté (N'Ko)
    "𞤀𞤥𞤭𞤲𞤢𞤼𞤢 𞤔𞤢𞤤𞤤𞤮": "NotoSansAdlam-Regular.ttf",  # Aminata Jallo (Adlam)
    "ⵎⴰⵙⵉⵏⵉⵙⴰ ⵉⴷⵉⵔ": "NotoSansTifinagh-Regular.ttf",  # Massinissa Idir (Tifinagh)
    "བསྟན་འཛིན་རྒྱ་མཚོ": "NotoSerifTibetan-Regular.ttf",  # Tenzin Gyatso (Tibetan)
    "ᠰᠠᠷᠠᠨᠭᠡᠷᠡᠯ ᠪᠠᠲᠤ": "NotoSansMongolian-Regular.ttf",  # Sarangerel Batu (traditional Mongolian)
    "䶮": "NotoSansCJKExt-Regular.ttf",  # CJK Extension A, as in 刘䶮
    "𨋢𠝹": "NotoSansCJKExt-Regular.ttf",  # Extension B characters of Hong Kong's HKSCS
    "𠀋": "NotoSansCJKExt-Regular.ttf",  # Extension B, JIS X 0213
}
MIXED = "Maryam مريم Ahmadi"
RTL_SAMPLES = [
    "فاطمة الزهراء",
    "زهرا محمدی",
    "عائشہ صدیقی",
    "שרה לוי",
    "ޢާއިޝަތު ނަޝީދާ",
    "ܐܦܪܝܡ ܒܪ ܝܘܣܦ",
    "ߡߊ߬ߡߊ߬ߘߎ ߞߊ߲ߕߍ",
    "𞤀𞤥𞤭𞤲𞤢𞤼𞤢 𞤔𞤢𞤤𞤤𞤮",
]
ALL_NAMES = [*SAMPLES, MIXED]

# name, language, reference file: the scripts where shaping is most visible, plus the
# language-dependent glyph forms of Han characters.
REFERENCES = [
    ("فاطمة الزهراء", None, "arabic.png"),
    ("प्रिया शर्मा", None, "devanagari.png"),
    ("陳美玲", None, "chinese.png"),
    ("直美 骨", "ja", "japanese.png"),
    ("Nguyễn Thị Phương", None, "vietnamese.png"),
    ("Ọ̀pẹ́yẹmí Adébáyọ̀", None, "yoruba.png"),
    ("สมศรี ใจดี", None, "thai.png"),
    ("အောင်ဆန်း စုကြည်", None, "myanmar.png"),
    ("བསྟན་འཛིན་རྒྱ་མཚོ", None, "tibetan.png"),
    ("ᠰᠠᠷᠠᠨᠭᠡᠷᠡᠯ ᠪᠠᠲᠤ", None, "mongolian.png"),
    ("ܐܦܪܝܡ ܒܪ ܝܘܣܦ", None, "syriac.png"),
    ("ߡߊ߬ߡߊ߬ߘߎ ߞߊ߲ߕߍ", None, "nko.png"),
    ("𞤀𞤥𞤭𞤲𞤢𞤼𞤢 𞤔𞤢𞤤𞤤𞤮", None, "adlam.png"),
]
REFERENCE_SIZE = 28
# Two renderings match when at most this share of pixels differ by more than this many levels.
PIXEL_TOLERANCE = 48
MAX_DIFFERING_SHARE = 0.004


@functools.cache
def cmap_of(font_file: str) -> frozenset[int]:
    """Code points of a shipped font, read independently of the typesetter."""
    with TTFont(typesetting.FONTS_DIR / font_file) as font:
        return frozenset(font.getBestCmap())


def printable(chars: str) -> set[int]:
    return {ord(ch) for ch in chars if not ch.isspace() and unicodedata.category(ch) != "Cf"}


# ---------------------------------------------------------------- coverage


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_sample_name_is_printable(name):
    assert uncovered_characters(name) == []


def test_uncovered_characters_reports_linear_b_and_hieroglyphs_once_each():
    assert uncovered_characters("Ann 𐀀 𓀀𐀀") == ["𐀀", "𓀀"]


def test_uncovered_characters_ignores_spaces_joiners_and_punctuation():
    assert uncovered_characters("  Anne-Marie O’Neil, Jr.\u200d\u200c\u00a0\u3000 «»") == []


def test_uncovered_characters_normalises_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn 𓀀")
    assert uncovered_characters(decomposed) == ["𓀀"]


def _encodable(code: int, codec: str) -> bool:
    try:
        chr(code).encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def test_all_of_cjk_extension_a_is_printable_but_the_ten_characters_unicode_13_added():
    extension_a = "".join(chr(code) for code in range(0x3400, 0x4DC0))
    assert uncovered_characters(extension_a) == [chr(code) for code in range(0x4DB6, 0x4DC0)]


@pytest.mark.parametrize(("standard", "codec"), [("HKSCS", "big5hkscs"), ("JIS X 0213", "euc_jis_2004")])
def test_every_extension_b_character_of_hong_kong_and_japanese_standards_is_printable(standard, codec):
    characters = [chr(code) for code in range(0x20000, 0x2A6E0) if _encodable(code, codec)]
    assert len(characters) > 300, standard
    assert uncovered_characters("".join(characters)) == []


def test_rare_extension_b_characters_outside_those_standards_are_still_refused():
    assert uncovered_characters("\U0002a6d6") == ["\U0002a6d6"]


def test_shipped_fonts_match_the_fonts_directory_and_stay_small():
    shipped = {font.file for font in SHIPPED_FONTS}
    present = {path.name for path in typesetting.FONTS_DIR.glob("*.ttf")}
    assert shipped == present
    assert (typesetting.FONTS_DIR / "OFL.txt").is_file()
    readme = (typesetting.FONTS_DIR / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in shipped)
    total = sum(path.stat().st_size for path in typesetting.FONTS_DIR.iterdir())
    assert total < 21 * 1024 * 1024  # 16.3 MiB before the scripts of issue 11, 20.4 MiB with them


# ---------------------------------------------------------------- shaping


@pytest.mark.parametrize("name", ALL_NAMES)
def test_shaped_name_has_no_missing_glyph_and_each_run_font_covers_its_text(name):
    line = shape_line(name)
    assert line.glyphs, "nothing shaped"
    assert all(glyph.gid != 0 for glyph in line.glyphs), "a .notdef glyph would print a box"
    for run in line.runs:
        assert printable(run.text) <= cmap_of(run.font.file), run


@pytest.mark.parametrize(("name", "font_file"), SAMPLES.items())
def test_name_letters_use_the_font_of_their_script(name, font_file):
    fonts = {run.font.file for run in shape_line(name).runs}
    assert fonts == {font_file}


@pytest.mark.parametrize("name", RTL_SAMPLES)
def test_right_to_left_name_is_drawn_from_its_last_character(name):
    glyphs = shape_line(name).glyphs
    clusters = [glyph.cluster for glyph in glyphs]
    assert clusters == sorted(clusters, reverse=True)
    assert clusters[-1] == 0


@pytest.mark.parametrize("name", ["فاطمة الزهراء", "שרה לוי"])
def test_first_drawn_glyph_of_arabic_and_hebrew_is_the_last_logical_character(name):
    assert shape_line(name).glyphs[0].cluster == len(name) - 1


@pytest.mark.parametrize(
    ("name", "font_file"),
    [("فاطمة", "NotoNaskhArabic-Regular.ttf"), ("प्रिया", "NotoSansDevanagari-Regular.ttf")],
)
def test_joined_letters_and_conjuncts_use_glyphs_the_cmap_does_not_give(name, font_file):
    # Unshaped, every letter would be drawn with its nominal (isolated, unconjoined) glyph.
    with TTFont(typesetting.FONTS_DIR / font_file) as font:
        nominal = {font.getGlyphID(font.getBestCmap()[ord(ch)]) for ch in name}
    assert {glyph.gid for glyph in shape_line(name).glyphs} - nominal


def test_mixed_latin_and_arabic_name_is_split_into_runs_in_visual_order():
    runs = shape_line(MIXED).runs
    assert [(run.text, run.rtl) for run in runs] == [
        ("Maryam ", False),
        ("مريم", True),
        (" Ahmadi", False),
    ]
    assert [run.font.file for run in runs] == [
        "NotoSans-Regular.ttf",
        "NotoNaskhArabic-Regular.ttf",
        "NotoSans-Regular.ttf",
    ]


def test_latin_word_after_arabic_first_name_is_drawn_on_its_left():
    runs = shape_line("مريم Smith").runs
    assert [run.text for run in runs] == ["Smith", "مريم "]


def test_a_name_mixing_common_and_extension_ideographs_is_drawn_from_both_cjk_files():
    line = shape_line("刘䶮")
    assert [run.font.file for run in line.runs] == ["NotoSansCJK-Regular.ttf", "NotoSansCJKExt-Regular.ttf"]
    assert all(glyph.gid != 0 for glyph in line.glyphs)


def test_hong_kong_characters_select_traditional_forms_without_a_language():
    assert shape_line("陳𨋢").runs[0].language == "zh-Hant"


def test_mongolian_is_set_horizontally_from_left_to_right():
    line = shape_line("ᠰᠠᠷᠠᠨᠭᠡᠷᠡᠯ ᠪᠠᠲᠤ")
    assert [run.rtl for run in line.runs] == [False]
    clusters = [glyph.cluster for glyph in line.glyphs]
    assert clusters == sorted(clusters)
    assert all(glyph.y_advance == 0 for glyph in line.glyphs)


def test_japanese_language_selects_japanese_glyph_forms():
    japanese = shape_line("直", "ja").glyphs[0].gid
    chinese = shape_line("直", "zh-CN").glyphs[0].gid
    assert japanese != chinese


def test_kana_or_traditional_characters_select_their_forms_without_a_language():
    assert shape_line("さくら").runs[0].language == "ja"
    assert shape_line("陳美玲").runs[0].language == "zh-Hant"
    assert shape_line("王秀英").runs[0].language == "zh-Hans"


def test_urdu_letters_select_nastaliq_unless_the_caller_says_arabic():
    assert shape_line("عائشہ صدیقی").runs[0].font.file == "NotoNastaliqUrdu-Regular.ttf"
    assert shape_line("عائشہ صدیقی", "ar").runs[0].font.file == "NotoNaskhArabic-Regular.ttf"


def test_unprintable_name_is_refused_with_its_characters():
    with pytest.raises(UnprintableTextError) as error:
        shape_line("Ann 𓀀")
    assert error.value.characters == ["𓀀"]


# ---------------------------------------------------------------- bidi


def test_bidi_levels_of_hebrew_with_digits_and_latin():
    base, levels = bidi_levels("שרה 2024 ok")
    assert base == 1
    assert levels == [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2]


def test_bidi_neutral_between_different_directions_takes_the_paragraph_direction():
    assert bidi_levels("ab אב")[1] == [0, 0, 0, 1, 1]


def test_visual_order_reverses_right_to_left_sequences_innermost_first():
    assert visual_order([0, 1, 2, 1, 0]) == [0, 3, 2, 1, 4]


# ---------------------------------------------------------------- measuring and drawing


def font_sizes_used(pdf: bytes) -> list[float]:
    return [float(size) for size in re.findall(rb"/F\d+\+\d+ ([\d.]+) Tf", pdf)]


def draw_to_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 60), pageCompression=0)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def test_text_width_scales_with_font_size():
    assert text_width("प्रिया शर्मा", 20) == pytest.approx(2 * text_width("प्रिया शर्मा", 10))


def test_draw_name_keeps_the_size_of_a_name_that_fits():
    pdf = draw_to_pdf(lambda canvas: draw_name(canvas, "Ana Lima", 200, 20, 24, 380))
    assert font_sizes_used(pdf) == [24]


def test_draw_name_shrinks_a_long_name_to_the_maximum_width():
    name = "Ọlọ́runfẹ́mi Adébáyọ̀ Nguyễn Thị Phương فاطمة الزهراء"
    pdf = draw_to_pdf(lambda canvas: draw_name(canvas, name, 200, 20, 24, 150))
    sizes = set(font_sizes_used(pdf))
    assert len(sizes) == 1
    assert text_width(name, sizes.pop()) == pytest.approx(150, abs=0.1)


def test_drawing_leaves_the_canvas_font_as_it_was():
    def draw(canvas):
        canvas.setFont("Helvetica", 9)
        draw_text_line(canvas, "陳美玲 فاطمة", 10, 10, 20, align="left")
        assert (canvas._fontname, canvas._fontsize) == ("Helvetica", 9)

    draw_to_pdf(draw)


def test_empty_name_draws_nothing():
    pdf = draw_to_pdf(lambda canvas: draw_name(canvas, "  ", 200, 20, 24, 380))
    assert font_sizes_used(pdf) == []


def test_register_fonts_is_idempotent_thread_safe_and_cheap_the_second_time():
    threads = [threading.Thread(target=register_fonts) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = time.perf_counter()
    register_fonts()
    assert time.perf_counter() - started < 0.005
    from reportlab.pdfbase import pdfmetrics

    assert {font.name for font in SHIPPED_FONTS} <= set(pdfmetrics.getRegisteredFontNames())


# ---------------------------------------------------------------- rendered pages


def rasterise(pdf: bytes) -> Image.Image:
    """Render page 1 at 72 dpi with poppler, as a greyscale image."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils")
    result = subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-png", "-singlefile"], input=pdf, capture_output=True, check=True
    )
    return Image.open(io.BytesIO(result.stdout)).convert("L")


def render_shaped(name: str, language: str | None) -> Image.Image:
    width = text_width(name, REFERENCE_SIZE, language) + 16
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(round(width), 2 * REFERENCE_SIZE))
    draw_text_line(canvas, name, 8, 0.6 * REFERENCE_SIZE, REFERENCE_SIZE, "left", language)
    canvas.save()
    return rasterise(buffer.getvalue())


def render_unshaped(name: str, size: tuple[int, int]) -> Image.Image:
    """What a certificate looks like when text is drawn with reportlab alone, in the same font."""
    register_fonts()
    font = shape_line(name).runs[0].font
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    canvas.setFont(font.name, REFERENCE_SIZE)
    canvas.drawString(8, 0.6 * REFERENCE_SIZE, unicodedata.normalize("NFC", name))
    canvas.save()
    return rasterise(buffer.getvalue())


def differing_share(image: Image.Image, reference: Image.Image) -> float:
    if image.size != reference.size:
        return 1.0
    difference = ImageChops.difference(image, reference)
    histogram = difference.histogram()
    return sum(histogram[PIXEL_TOLERANCE + 1 :]) / (image.width * image.height)


@pytest.mark.parametrize(("name", "language", "reference"), REFERENCES)
def test_rendered_name_matches_its_reference_image(name, language, reference):
    image = render_shaped(name, language)
    path = REFERENCE_DIR / reference
    if os.environ.get("UPDATE_REFERENCE_IMAGES"):
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.save(path, optimize=True)
    assert differing_share(image, Image.open(path).convert("L")) <= MAX_DIFFERING_SHARE


@pytest.mark.parametrize(
    ("name", "language", "reference"),
    [
        r
        for r in REFERENCES
        if r[2] in ("arabic.png", "devanagari.png", "myanmar.png", "thai.png", "yoruba.png")
    ],
)
def test_reference_comparison_fails_for_unshaped_text(name, language, reference):
    expected = Image.open(REFERENCE_DIR / reference).convert("L")
    assert differing_share(render_unshaped(name, expected.size), expected) > 10 * MAX_DIFFERING_SHARE
