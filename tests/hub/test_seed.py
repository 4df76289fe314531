"""`flask hub import-seed`: the shipped seed imports, a second run changes nothing, and a broken
seed is refused with the file and line of each problem and nothing imported."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.extensions import db as _db
from lms.hub.models import Attachment, Item, Kind
from lms.hub.search import search

SEED = Path(__file__).resolve().parents[2] / "lms" / "hub" / "seed"


def items_count(app) -> int:
    with app.app_context():
        return _db.session.execute(select(func.count()).select_from(Item)).scalar_one()


@pytest.mark.slow
def test_the_shipped_seed_imports_once_and_then_is_unchanged(app, runner):
    first = runner.invoke(args=["hub", "import-seed"])
    assert first.exit_code == 0, first.output
    assert "10 added, 0 changed, 0 unchanged" in first.output
    second = runner.invoke(args=["hub", "import-seed"])
    assert "0 added, 0 changed, 10 unchanged" in second.output
    with app.app_context():
        items = _db.session.execute(select(Item)).scalars().all()
        assert sum(item.kind == Kind.PRACTICE for item in items) == 6
        french = next(item for item in items if item.language == "fr")
        assert french.translation_of.slug == "gender-responsive-digital-upskilling"
        practice = next(item for item in items if item.slug == "rotating-halves-blended-first-year")
        assert list(practice.parts) == [
            "introduction",
            "problem",
            "what_was_done",
            "results",
            "cost",
            "reuse",
            "contact",
        ]
        assert practice.parts["introduction"].startswith("**Illustrative case.**")
        assert _db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 4
        assert search("tutors").total >= 1


def copy_seed(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    return target


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda seed: _edit(
                seed / "practice/peer-review-online-modules/item.toml",
                'licence = "CC-BY-4.0"',
                'licence = "GPL"',
            ),
            "practice/peer-review-online-modules/item.toml:{line}: licence must be one of",
        ),
        (
            lambda seed: _edit(seed / "practice/peer-review-online-modules/text.md", "## Cost", "## Money"),
            "practice/peer-review-online-modules/text.md:{line}: heading '## Money': expected '## Cost' here",
        ),
        (
            lambda seed: _edit(
                seed / "practice/peer-review-online-modules/item.toml",
                'themes = ["',
                'themes = ["nonsense", "',
            ),
            "item.toml:{line}: 'nonsense' is not one of the themes",
        ),
        (
            lambda seed: _edit(
                seed / "practice/peer-review-online-modules/text.md",
                "## Results",
                "## Results\n\n<script>x</script>",
            ),
            "text.md:{line}: HTML is not allowed",
        ),
        (
            lambda seed: _edit(
                seed / "publication/formation-numerique-enseignants-sensible-au-genre/item.toml",
                'translation_of = "gender-responsive-digital-upskilling"',
                'translation_of = "nope"',
            ),
            "item.toml:{line}: translation_of names no other publication",
        ),
        (
            lambda seed: _edit(
                seed / "practice/peer-review-online-modules/item.toml",
                "related_courses = [",
                'related_courses = ["no-such-course", ',
            ),
            "item.toml:{line}: no course 'no-such-course'",
        ),
    ],
)
def test_a_broken_seed_names_file_and_line_and_imports_nothing(app, runner, tmp_path, change, expected):
    seed = copy_seed(tmp_path)
    path, line = change(seed)
    result = runner.invoke(args=["hub", "import-seed", str(seed)])
    assert result.exit_code != 0
    assert expected.format(line=line) in result.output
    assert "nothing was imported" in result.output
    assert items_count(app) == 0


def _edit(path: Path, old: str, new: str) -> tuple[Path, int]:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    position = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[:position].count("\n") + 1
    if new.startswith(old) and "\n" in new[len(old) :]:
        line += new[len(old) :].count("\n")
    return path, line


def test_a_seed_with_a_nul_byte_or_a_bom_is_refused(app, runner, tmp_path):
    seed = copy_seed(tmp_path)
    toml = seed / "practice/peer-review-online-modules/item.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    text = seed / "practice/peer-review-online-modules/text.md"
    text.write_bytes(text.read_bytes().replace(b"Contact", b"Con\x00tact", 1))
    result = runner.invoke(args=["hub", "import-seed", str(seed)])
    assert "item.toml:1: starts with a byte-order mark" in result.output
    assert "text.md:" in result.output and "NUL" in result.output
    assert items_count(app) == 0
