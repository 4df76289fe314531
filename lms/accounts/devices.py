"""Which browser and system a sign-in came from, so that people can recognise their sessions.

Only the family names are kept ("Firefox", "Android"), read by ua-parser (the maintained
uap-core rules); never the User-Agent string itself, its version numbers or the address.
"""

from __future__ import annotations

from ua_parser import parse

MAX_USER_AGENT = 512  # longer strings are cut before parsing: the families come first anyway
MAX_NAME = 60


def describe(user_agent: str | None) -> tuple[str, str]:
    """(browser family, system family); an empty string where it is not recognised."""
    result = parse((user_agent or "")[:MAX_USER_AGENT])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    return _known(browser), _known(system)


def _known(family: str) -> str:
    return "" if family in {"", "Other"} else family[:MAX_NAME]
