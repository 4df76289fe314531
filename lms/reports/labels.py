"""Names of what reports group by that do not come from the database: countries, profile roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.accounts.models import ProfileRole
from lms.countries import country_choices
from lms.countries import country_name as named_country

PROFILE_ROLE_LABELS = {
    ProfileRole.FACULTY.value: _l("Faculty"),
    ProfileRole.LEADER.value: _l("Leader or administrator"),
    ProfileRole.POLICY_MAKER.value: _l("Policy maker"),
    ProfileRole.OTHER.value: _l("Other"),
}


def countries() -> list[tuple[str, str]]:
    """The filter's countries, named and sorted in the reader's language."""
    return country_choices()


def country_name(code: str | None) -> str:
    if not code:
        return str(_l("Country not stated"))
    return named_country(code)
