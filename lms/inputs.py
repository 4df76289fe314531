"""Text and numbers that arrive in a request, refused in one place when no database can store them.

PostgreSQL refuses NUL characters in text and anything that is not valid UTF-8; SQLite stores
NUL and Python's drivers cannot encode lone surrogates. Rather than let each view and form meet
these at the database (a 500 on PostgreSQL, a silently different row on SQLite), one request hook
looks at the raw path, query string and form body before any view, form or CSRF check runs, and
answers 400 naming the parameter. It works on raw bytes because Werkzeug hides invalid UTF-8:
it re-quotes bad bytes in query strings and form bodies (`%ED%A0%80` arrives as that literal text)
and replaces them in paths. Multipart bodies (uploads) are decoded by Werkzeug with replacement
characters, so their text fields are checked for NUL only; what is inside uploaded files is the
business of each file's reader.

Cookies are not checked here: every cookie the platform reads is signed or compared with a fixed
list, so a damaged one is simply ignored (refusing it would lock the visitor out of every page).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from lms.database import LARGEST_ID
from lms.errors import abort_with

# NUL, and UTF-16 surrogates (they can only arrive alone, from JSON-style escapes or a bad decoder).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

_NAME_SHOWN = 40  # characters of a parameter's name repeated on the error page


class UnstorableText(ValueError):
    """Request text that cannot be stored: NUL, a surrogate or invalid UTF-8. `name` is the
    parameter it was found in, or None when it was in the path or in a parameter's name."""

    def __init__(self, name: str | None) -> None:
        super().__init__(name)
        self.name = name


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in every route: values a database integer column cannot hold get a 404 (no
    such page) instead of an overflow error from the driver."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False
    ):
        super().__init__(map, fixed_digits, min, LARGEST_ID if max is None else max, signed)


def stored_integer(text: str | None) -> int | None:
    """`text` (a hidden field, a hand-read parameter) as a non-negative integer that an INTEGER
    column can hold, or None. Only ASCII digits count: `str.isdigit` also accepts "²", which
    `int` refuses, and a number of any length, which the database refuses."""
    if text and text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
        return int(text)
    return None


def check_text(value: str, name: str | None = None) -> None:
    """Raise `UnstorableText` when `value` holds a character no database can store."""
    if _UNSTORABLE.search(value):
        raise UnstorableText(name)


def one_line(text: str) -> str:
    """`text` as one line without NUL: for what becomes a mail header, a title or a stored
    reason, where a line break would fold a header (or fail the delivery) and PostgreSQL refuses
    NUL. Text that arrives from outside a request (tasks, CLIs, files) passes no request check."""
    return " ".join(text.replace("\x00", "").split())


def _decode(raw: bytes, name: str | None) -> str:
    try:
        text = raw.decode("utf-8")  # strict: refuses invalid sequences and encoded surrogates
    except UnicodeDecodeError:
        raise UnstorableText(name) from None
    check_text(text, name)
    return text


def check_urlencoded(raw: bytes) -> None:
    """Check every name and value of a query string or form body, as the raw bytes were sent."""
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        name_text = _decode(unquote_to_bytes(name.replace(b"+", b" ")), None)
        _decode(unquote_to_bytes(value.replace(b"+", b" ")), name_text[:_NAME_SHOWN])


def check_request() -> None:
    """The whole of what a view may read as text: path, query string and form fields."""
    _decode(request.environ.get("PATH_INFO", "").encode("latin-1", "replace"), None)
    check_urlencoded(request.query_string)
    if request.mimetype == "application/x-www-form-urlencoded":
        # Read before anything parses the form: Werkzeug then parses these cached bytes.
        check_urlencoded(request.get_data(cache=True))
    elif request.mimetype == "multipart/form-data":
        for name, value in request.form.items(multi=True):
            check_text(name)
            check_text(value, name[:_NAME_SHOWN])
        for name, upload in request.files.items(multi=True):
            check_text(name)
            check_text(upload.filename or "", name[:_NAME_SHOWN])


def init_app(app: Flask) -> None:
    """Install the integer converter and the request check. Call before the blueprints are
    registered (their rules use the converter) and before CSRF protection (it parses the form)."""
    app.url_map.converters["int"] = DatabaseInteger

    @app.before_request
    def refuse_unstorable_text():
        try:
            check_request()
        except UnstorableText as problem:
            app.logger.info("Refused unstorable text in a request to %s", request.endpoint)
            if problem.name is None:
                message = _l(
                    "What you sent contains a character that cannot be stored (a NUL character or "
                    "text that is not valid UTF-8). Please remove it and try again."
                )
            else:
                message = _l(
                    "What you sent contains a character that cannot be stored (a NUL character or "
                    "text that is not valid UTF-8) in “%(name)s”. Please remove it and try again.",
                    name=problem.name,
                )
            abort_with(400, str(message))
