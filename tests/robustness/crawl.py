"""A small crawler for the hostile-input test: the forms a page offers, and hostile values.

Every value is kept percent-encoded, exactly as it goes on the wire, so that bytes no browser
would send (NUL, an encoded surrogate, invalid UTF-8) can be placed in a path, a query string or
a form body alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

# Refused by lms/inputs.py wherever they appear: the answer must be that 400.
UNSTORABLE = {"nul": "a%00b", "surrogate": "%ED%A0%80", "invalid-utf8": "caf%C3%28"}


def q(text: str) -> str:
    return quote(text, safe="")


# Accepted as text by the request check, so they reach forms, views and queries. The long ones
# cost most of the crawl's time (pages echo them back), so each appears once per field.
HOSTILE = {
    "100kb": "A" * 100_000,
    "brackets": q("[" * 1500 + "]" * 1500),  # deeper than Python's recursion limit
    "braces": q("{(" * 1000),
    "emphasis": q("*" * 3000 + "x" + "*" * 3000),
    "negative": "-1",
    "huge-negative": "-99999999999999999999",
    "huge": "99999999999999999999999",
    "int32+1": "2147483648",
    "float-overflow": "1e999",
    "nan": "NaN",
    "empty": "",
    "traversal": q("../../../../etc/passwd"),
    "markup": q("<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"),
    "bidi": q("\u202egnp.exe\u2066"),
    "astral": q("😀" * 300),
    "like-wildcards": q("%_\\"),
    "superscript-digit": q("²"),
}

# Query parameters that views read by hand (`page`, `next`, `sort`...): the values that matter there.
QUERY_VALUES = {
    key: HOSTILE[key]
    for key in ("100kb", "brackets", "negative", "huge", "int32+1", "empty", "traversal", "superscript-digit")
}

# Path segments: the same, minus what only makes sense in a field.
PATH_TEXT = {
    key: HOSTILE[key]
    for key in ("100kb", "brackets", "traversal", "markup", "bidi", "like-wildcards", "superscript-digit")
}
PATH_INT = {"zero": "0", "int32": "2147483647", "int32+1": "2147483648", "huge": "9" * 30}

WRONG_METHODS = ("PUT", "DELETE", "PATCH")


@dataclass
class Form:
    """A form as a browser would submit it: its method, target and successful controls."""

    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.method, self.action, tuple(self.names), tuple(self.files))

    @property
    def names(self) -> list[str]:
        seen = []
        for name, _ in self.fields:
            if name not in seen and name != "csrf_token":
                seen.append(name)
        return seen


class FormParser(HTMLParser):
    """Collect the forms of a page with their default values (checked boxes, selected options,
    the checked or else the first radio button of each group), so that a submission starts from
    what a person would send."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._radios: dict[str, list[tuple[str, bool]]] = {}
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list | None = None  # [value or None, selected, text]
        self._textarea: list | None = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path)
            target = action.path + (f"?{action.query}" if action.query else "")
            self._form = Form(
                a.get("method", "get").upper(), target, a.get("enctype") == "multipart/form-data"
            )
            self._radios = {}
            return
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif not name:
            return
        elif tag == "input":
            self._input(name, a.get("type", "text").lower(), a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.submits.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = (name, [])
        elif tag == "textarea":
            self._textarea = [name, ""]

    def _input(self, name: str, kind: str, a: dict) -> None:
        form = self._form
        if kind == "submit":
            form.submits.append((name, a.get("value", "")))
        elif kind == "file":
            form.files.append(name)
        elif kind == "checkbox":
            if "checked" in a:
                form.fields.append((name, a.get("value", "on")))
        elif kind == "radio":
            self._radios.setdefault(name, []).append((a.get("value", "on"), "checked" in a))
        elif kind not in ("image", "button", "reset"):
            form.fields.append((name, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        form = self._form
        if form is None:
            return
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            form.fields += [(name, value) for value in _chosen(options)]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            form.fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            for name, options in self._radios.items():
                form.fields += [(name, value) for value in _chosen(options)[:1]]
            self.forms.append(form)
            self._form = None


def _chosen(options: list[tuple[str, bool]]) -> list[str]:
    return [value for value, selected in options if selected] or [value for value, _ in options[:1]]


def forms_on(page: str, page_path: str) -> list[Form]:
    parser = FormParser(page_path)
    parser.feed(page)
    return parser.forms


def encode(fields: list[tuple[str, str]]) -> str:
    """Fields whose values are already percent-encoded, as an urlencoded body or query."""
    return "&".join(f"{q(name)}={value}" for name, value in fields)


def with_value(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The form's fields, quoted, with every value of `name` replaced by the raw `value`."""
    replaced = [(n, value if n == name else q(v)) for n, v in fields]
    if not any(n == name for n, _ in fields):
        replaced.append((name, value))
    return replaced
