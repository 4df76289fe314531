"""Language choice and text direction.

The locale comes from the visitor's explicit choice (a cookie set by the language form), then the
browser's Accept-Language, then the default. Right-to-left languages flip the page with `dir`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale
from markupsafe import Markup

from lms.countries import country_name
from lms.extensions import babel

LANGUAGE_COOKIE = "lang"
# The interface language's catalogue is shared, but dates and numbers follow the readers' own
# usage: Babel's `pt` is Brazil's ("2 de dez. de 2026"), while Lusophone Africa and Timor-Leste
# write as Portugal does. gettext finds the `pt` catalogue for `pt_PT` by itself.
FORMAT_LOCALES = {"pt": "pt_PT"}


def select_locale() -> str:
    return FORMAT_LOCALES.get(_interface_language(), _interface_language())


def interface_language() -> str:
    """The language this request is shown in (`pt`, not `pt_PT`); the default outside requests."""
    return _interface_language()


def chosen_language() -> str | None:
    """The language this visitor chose with the language form, if any (not the browser's guess)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE) if has_request_context() else None
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def offered_language(code: str | None) -> str:
    """`code` if it is still an interface language, else the default (a stored choice may
    name a language an operator has since removed)."""
    return code if code in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Render text (a mail, a notification) in language `code`, as a page in it would be."""
    language = offered_language(code)
    with force_locale(FORMAT_LOCALES.get(language, language)):
        yield


def _interface_language() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction() -> str:
    locale = get_locale()
    return "rtl" if locale is not None and locale.text_direction == "rtl" else "ltr"


def language_choices() -> tuple[tuple[str, str], ...]:
    """Each supported language named in itself, so a reader can find their own."""
    return _named_in_themselves(tuple(current_app.config["LANGUAGES"]))


@lru_cache(maxsize=8)
def _named_in_themselves(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Made once per set of languages: every page's footer lists them."""
    return tuple((code, Locale.parse(code).get_display_name(code).capitalize()) for code in codes)


def language_name(code: str) -> str:
    """A language code named in the reader's language (`fr` -> "French" for an English reader)."""
    try:
        return Locale.parse(code).get_display_name(str(get_locale() or "en")) or code
    except (ValueError, TypeError):
        return code


@lru_cache(maxsize=256)
def language_direction(code: str) -> str:
    """`rtl` or `ltr` for content in language `code`, so that an English course shown in the
    Arabic interface (or the reverse) keeps its own direction."""
    try:
        return "rtl" if Locale.parse(code).text_direction == "rtl" else "ltr"
    except (ValueError, TypeError, UnknownLocaleError):
        return "ltr"


@lru_cache(maxsize=256)
def language_attributes(code: str) -> Markup:
    """` lang="…" dir="…"` for an element that holds only text in language `code` (a course's
    title, a question): screen readers switch voice, and punctuation stays on its own side."""
    return Markup(' lang="{0}" dir="{1}"').format(code, language_direction(code))


def in_language(text: str, code: str) -> Markup:
    """`text` isolated in a `<bdi>` with its language and direction, for a course's words inside
    a sentence or line of the interface ("Cohort of “…”", a breadcrumb)."""
    return Markup("<bdi{0}>{1}</bdi>").format(language_attributes(code), text)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["direction"] = language_direction
    app.jinja_env.filters["lang_dir"] = language_attributes
    app.jinja_env.filters["bdi"] = in_language
    app.jinja_env.filters["country_name"] = country_name

    @app.context_processor
    def inject_locale() -> dict:
        return {
            "current_locale": get_locale().language,  # the interface language (pt, not pt_PT)
            "text_direction": text_direction(),
            "language_choices": language_choices,
        }
