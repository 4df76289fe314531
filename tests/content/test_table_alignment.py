"""Markdown table alignment survives the sanitiser as a class; no style attribute ever does."""

import pytest

from lms.content.markup import render_markdown, sanitise_html

TABLE = "| Left | Centre | Right | Plain |\n|:---|:---:|---:|---|\n| 1 | 2 | 3 | 4 |\n"


def test_alignment_of_each_column_is_kept_as_a_class():
    html = render_markdown(TABLE)
    assert '<th class="align-left">Left</th>' in html
    assert '<th class="align-center">Centre</th>' in html
    assert '<td class="align-right">3</td>' in html
    assert "<th>Plain</th>" in html and "<td>4</td>" in html
    assert "style" not in html
    assert sanitise_html(html) == html  # idempotent


@pytest.mark.parametrize(
    "hostile",
    [
        '<table><tr><td style="text-align: center; background: url(https://evil.example/x)">x</td></tr></table>',
        '<table><tr><td style="position: fixed; inset: 0">x</td></tr></table>',
        '<table><tr><td style="text-align: center;" onclick="alert(1)">x</td></tr></table>',
        '<table><tr><td style="text-align:expression(alert(1));">x</td></tr></table>',
        '<table><tr><td class="align-center evil">x</td></tr></table>',
        '<table><tr><td class="align-middle">x</td></tr></table>',
    ],
)
def test_hostile_cell_styles_and_classes_are_dropped(hostile):
    html = render_markdown(hostile)
    assert "style" not in html and "onclick" not in html and "evil" not in html and "middle" not in html
    assert "<td>x</td>" in html


def test_alignment_class_is_only_kept_on_cells():
    html = render_markdown('<p class="align-center">x</p>\n\n<td class="align-center">y</td>')
    assert '<p class="align-center">' not in html


def test_hand_written_alignment_class_on_a_cell_is_kept():
    html = sanitise_html('<table><tr><td class="align-right">9</td></tr></table>')
    assert '<td class="align-right">9</td>' in html
