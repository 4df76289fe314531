"""The hub's fixed vocabularies (themes, regions, audiences, licences, publication types) and
their translated labels. The seed README lists the same values; the importer refuses others."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lms.countries import country_name
from lms.i18n import language_name

KINDS = {"practice": _l("Exemplary practice"), "publication": _l("Publication")}

THEMES = {
    "blended-learning": _l("Blended and online learning"),
    "management-information-systems": _l("Management information systems"),
    "gender-equality": _l("Gender equality"),
    "quality-assurance": _l("Quality assurance"),
    "south-south-cooperation": _l("South-South cooperation"),
    "open-educational-resources": _l("Open educational resources"),
    "connectivity-low-bandwidth": _l("Connectivity and low bandwidth"),
    "accessibility": _l("Accessibility"),
    "e-assessment": _l("Assessment online"),
    "teacher-professional-development": _l("Staff development and digital skills"),
    "data-and-evidence": _l("Data and evidence"),
    "policy-and-strategy": _l("Policy and strategy"),
}

REGIONS = {
    "sub-saharan-africa": _l("Sub-Saharan Africa"),
    "arab-states": _l("Arab States"),
    "south-asia": _l("South Asia"),
    "south-east-asia": _l("South-East Asia"),
    "pacific": _l("Pacific"),
}

AUDIENCES = {
    "faculty": _l("Faculty"),
    "leaders-administrators": _l("Institutional leaders and administrators"),
    "policy-makers": _l("Policy makers"),
}

PUBLICATION_TYPES = {
    "report": _l("Report"),
    "policy-brief": _l("Policy brief"),
    "research-paper": _l("Research paper"),
    "guide": _l("Guide"),
}

# SPDX identifier -> (name as the licence calls itself, its deed).
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-NC-4.0": (
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "CC-BY-NC-SA-4.0": (
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    "CC-BY-ND-4.0": (
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    "CC-BY-NC-ND-4.0": (
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}

# The facets stored as rows of hub_item_facet, with their vocabularies (None: ISO 3166-1 codes).
FACETS = {"theme": THEMES, "country": None, "region": REGIONS, "audience": AUDIENCES}

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "yi", "ug", "ckb", "sd"})

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Crossref's advice for the DOIs it has registered since 2009: 10.<registrant>/<suffix>.
DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
LANGUAGE = re.compile(r"[a-z]{2,3}")


def direction_of(language: str) -> str:
    """`rtl` for a language written right to left, else `ltr`."""
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


def is_doi(value: str) -> bool:
    return len(value) <= 200 and DOI.fullmatch(value) is not None


def facet_label(name: str, value: str) -> str:
    """A filter value in the reader's language."""
    if name == "country":
        return country_name(value)
    if name == "language":
        return language_name(value)
    vocabulary = {"theme": THEMES, "region": REGIONS, "audience": AUDIENCES, "kind": KINDS}.get(name)
    return str(vocabulary.get(value, value)) if vocabulary is not None else value
