"""Names of what reports group by that do not come from the database: countries, profile roles."""

from __future__ import annotations

from functools import cache

import pycountry
from flask_babel import lazy_gettext as _l

from lms.accounts.models import ProfileRole

PROFILE_ROLE_LABELS = {
    ProfileRole.FACULTY.value: _l("Faculty"),
    ProfileRole.LEADER.value: _l("Leader or administrator"),
    ProfileRole.POLICY_MAKER.value: _l("Policy maker"),
    ProfileRole.OTHER.value: _l("Other"),
}


@cache
def countries() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1]))


def country_name(code: str | None) -> str:
    if not code:
        return str(_l("Country not stated"))
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code
