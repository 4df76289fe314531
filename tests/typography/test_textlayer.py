"""The text layer's rules, one by one: what each glyph stands for and what poppler is given."""

from __future__ import annotations

import io
import re
import zlib

from reportlab.pdfgen.canvas import Canvas

from lms.typography import textlayer
from lms.typography.typesetting import draw_text_line, shape_line


def test_a_glyph_stands_for_the_characters_up_to_the_next_cluster():
    # clusters 0, 1, 3: the glyph of cluster 1 is a ligature of characters 1 and 2
    assert textlayer.glyph_texts("abcd", 0, [0, 1, 3], rtl=False) == ("a", "bc", "d")


def test_right_to_left_glyphs_carry_their_characters_in_visual_order():
    # drawn right to left: clusters 3, 1, 0 (a lam-alef ligature at 1)
    assert textlayer.glyph_texts("ابلا", 0, [2, 0], rtl=True) == ("ال", "با")


def test_the_first_of_several_glyphs_of_one_cluster_carries_its_characters():
    assert textlayer.glyph_texts("کی", 10, [10, 10, 11], rtl=False) == ("ک", "", "ی")


def test_poppler_is_given_right_to_left_runs_reversed_and_left_to_right_runs_as_they_are():
    runs = [("Maryam ", False), ("مريم", True), (" Ahmadi", False)]
    assert textlayer.visual_text(runs) == "Maryam ميرم\u200e Ahmadi"


def test_a_right_to_left_run_ending_in_a_mark_is_opened_with_a_right_to_left_mark():
    assert textlayer.visual_text([("ޢާ", True)]) == "\u200fާޢ"


def test_nko_and_adlam_runs_are_left_in_logical_order_because_poppler_does_not_reverse_them():
    assert textlayer.visual_text([("ߞߊ߲ߕߍ", True)]) == "ߞߊ߲ߕߍ"
    assert textlayer.visual_text([("𞤔𞤢𞤤𞤤𞤮", True)]) == "𞤔𞤢𞤤𞤤𞤮"


def test_a_left_to_right_line_gets_one_span_a_right_to_left_line_two():
    assert len(textlayer.actual_text_spans("Ana Lima", [("Ana Lima", False)])) == 1
    spans = textlayer.actual_text_spans("שרה", [("שרה", True)])
    assert [span.split(" ", 1)[0] for span in spans] == ["/Span", "/LogicalText"]
    assert textlayer.actual_text_string("שרה") in spans[1]


def test_the_cmap_maps_codes_to_several_characters_or_none_in_blocks_of_100():
    cmap = textlayer.to_unicode_cmap("F", ["\x00", "ال", ""] + ["a"] * 200)
    assert "<01> <06270644>" in cmap and "<02> <>" in cmap
    assert cmap.count("beginbfchar") == 3 and "100 beginbfchar" in cmap


def pdf_streams(data: bytes) -> list[bytes]:
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    return streams


def test_a_contextual_arabic_form_is_mapped_to_its_letter_not_to_a_private_use_code():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 60), pageCompression=0)
    draw_text_line(canvas, "بب", 150, 20, 24)
    canvas.save()
    cmaps = [s.decode("latin-1") for s in pdf_streams(buffer.getvalue()) if b"beginbfchar" in s]
    destinations = {d for cmap in cmaps for d in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]*)>", cmap)}
    assert "0628" in destinations  # beh, for both its initial and final forms
    assert not any(d.startswith(("E", "F")) and len(d) == 4 for d in destinations)  # no private use
    assert len(shape_line("بب").glyphs) == 2
