"""Every interface language is complete, and no user-facing text escapes gettext.

The messages are extracted from the source at test time (the same mapping as `make messages`),
so a new string fails here until every catalogue translates it, even before anyone regenerates
`messages.pot`. A translation must keep its placeholders (a missing `%(title)s` raises at render
time in that language only) and the markup of its source.
"""

from __future__ import annotations

import ast
import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from jinja2 import Environment

from lms.config import defaults

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = defaults(ROOT / "instance")
TRANSLATED = [code for code in DEFAULTS["LANGUAGES"] if code != DEFAULTS["BABEL_DEFAULT_LOCALE"]]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w+)\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


@functools.cache
def _extracted() -> dict[str, str | None]:
    """msgid -> msgid_plural for every message in lms/ and templates/."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, str | None] = {}
    for folder in ("lms", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                found[message[0]] = message[1]
            elif message:
                found[message] = None
    return found


def _catalogue(code: str):
    with open(ROOT / "lms" / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    catalogue = _catalogue(code)
    missing, fuzzy, empty = [], [], []
    for msgid, plural in _extracted().items():
        message = catalogue.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        if message.fuzzy:
            fuzzy.append(msgid)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if plural is not None and len(strings) != catalogue.num_plurals:
            empty.append(f"{msgid} (needs {catalogue.num_plurals} plural forms)")
        elif not all(strings):
            empty.append(msgid)
    assert not missing, f"{code}: {len(missing)} messages not in the catalogue, e.g. {missing[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not empty, f"{code}: {len(empty)} untranslated, e.g. {empty[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_forms_are_the_languages_own(code):
    """pybabel's header must count the forms the language has (Arabic 6, Chinese 1...)."""
    assert _catalogue(code).num_plurals == get_plural(code).num_plurals


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders_and_markup(code):
    problems = []
    for message in _catalogue(code):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set().union(*(_placeholders(i) for i in ids))
        for string in filter(None, strings):
            used = _placeholders(string)
            # A plural form may leave out the number ("one learner"), never add an unknown name.
            if used - allowed or (len(ids) == 1 and used != allowed):
                problems.append(f"{ids[0]!r} -> {string!r}")
            if _tags(string) != _tags(ids[0]):
                problems.append(f"markup {ids[0]!r} -> {string!r}")
    assert not problems, f"{code}: " + "\n".join(problems[:10])


# Text in templates outside gettext ------------------------------------------------------------

VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}
WORD = re.compile(r"[^\W\d_]{2}")


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.found += [f"{k}={v!r}" for k, v in attrs if k in VISIBLE_ATTRIBUTES and v and WORD.search(v)]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and WORD.search(data):
            self.found.append(data.strip())


def _literal_text(source: str) -> list[str]:
    """The text a template shows that is neither an expression nor a tag (so not translated)."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    pieces, in_trans = [], False
    for _line, kind, value in env.lex(source):
        if kind == "name" and value in ("trans", "pluralize"):
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        pieces.append(value if kind == "data" and not in_trans else " ")
    finder = _TextFinder()
    finder.feed("".join(pieces))
    return finder.found


def test_the_text_finder_sees_untranslated_text():
    assert _literal_text('<p title="Hello">{{ _("Hi") }} Welcome</p>') == ["title='Hello'", "Welcome"]
    assert _literal_text("<p>{{ _('Hi') }} {{ name }} 42 &middot;</p><script>var a;</script>") == []


def test_templates_show_no_text_outside_gettext():
    found = {
        str(path.relative_to(ROOT)): text
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (text := _literal_text(path.read_text()))
    }
    assert not found, found


# Text in Python outside gettext ---------------------------------------------------------------

FIELD = re.compile(r"[A-Z]\w*Field$")
MESSAGE_CALLS = {"flash", "ValidationError"}


def _untranslated_calls(source: str, filename: str) -> list[str]:
    """Literal strings given to flash(), ValidationError(), a form field's label or a validator's
    `message=`: the places where Python code hands text to a person."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        literals = []
        if name == "progressbar":  # a terminal's progress label, for the operator
            continue
        if name in MESSAGE_CALLS or FIELD.search(name):
            literals += node.args[:1]
        literals += [k.value for k in node.keywords if k.arg in ("label", "message", "description")]
        for literal in literals:
            if (
                isinstance(literal, ast.Constant)
                and isinstance(literal.value, str)
                and WORD.search(literal.value)
            ):
                found.append(f"{filename}:{node.lineno}: {literal.value!r}")
    return found


def test_the_call_finder_sees_untranslated_text():
    code = 'flash("Saved")\nStringField("Title", validators=[Length(message="Too long")])\nflash(_("Ok"))'
    assert _untranslated_calls(code, "x.py") == ["x.py:1: 'Saved'", "x.py:2: 'Title'", "x.py:2: 'Too long'"]


def test_python_hands_no_text_to_people_outside_gettext():
    found = []
    for path in sorted((ROOT / "lms").rglob("*.py")):
        found += _untranslated_calls(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "\n".join(found)
