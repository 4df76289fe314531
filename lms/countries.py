"""Country names in the reader's language: ISO 3166-1 from pycountry, named through the
translations pycountry ships (iso-codes), so every form, table and report says "Quénia" to a
Portuguese reader and "肯尼亚" to a Chinese one, and sorts them in that language's names."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from flask_babel import get_locale


@lru_cache(maxsize=16)
def _names(locale: str) -> dict[str, str]:
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)
    return {country.alpha_2: translation.gettext(country.name) for country in pycountry.countries}


def names_in(locale: str) -> dict[str, str]:
    """Every country's name in `locale`, by alpha-2 code (what a cohort file may write)."""
    return dict(_names(locale))


def _locale() -> str:
    return str(get_locale() or "en")


def country_name(code: str | None) -> str:
    """The country of an ISO alpha-2 code in the reader's language; an unknown code as it is."""
    return _names(_locale()).get((code or "").upper(), code or "")


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, in the reader's language and sorted by its names."""
    return sorted(_names(_locale()).items(), key=lambda pair: pair[1].casefold())


def is_country(code: str | None) -> bool:
    return bool(code) and code in _names("en")
