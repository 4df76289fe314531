"""What a cohort file may write in its gender, country and profile_role columns.

Each column has its canonical values (what the template and the reference list show), the
labels the platform's forms use for them in every interface language, and a small table of
common synonyms ("Lecturer" for a faculty member). Words are compared without case, accents,
dashes or repeated spaces. A word that could mean two values (a synonym table's or two
languages' labels colliding) is refused with both meanings named, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from flask import current_app
from flask_babel import force_locale

from lms import countries
from lms.accounts.forms import GENDER_CHOICES, PROFILE_ROLE_CHOICES
from lms.accounts.models import Gender, ProfileRole

# Common words for each value beyond the labels of the forms; all lower case, any language.
GENDER_SYNONYMS: dict[str, tuple[Gender, ...]] = {
    "woman": (Gender.WOMAN,), "female": (Gender.WOMAN,), "f": (Gender.WOMAN,), "w": (Gender.WOMAN,),
    "femme": (Gender.WOMAN,), "mulher": (Gender.WOMAN,), "feminino": (Gender.WOMAN,), "mwanamke": (Gender.WOMAN,),
    "perempuan": (Gender.WOMAN,), "wanita": (Gender.WOMAN,), "女": (Gender.WOMAN,), "امرأة": (Gender.WOMAN,),
    "man": (Gender.MAN,), "male": (Gender.MAN,), "m": (Gender.MAN,), "homme": (Gender.MAN,),
    "homem": (Gender.MAN,), "masculino": (Gender.MAN,), "mwanaume": (Gender.MAN,), "laki laki": (Gender.MAN,),
    "pria": (Gender.MAN,), "男": (Gender.MAN,), "رجل": (Gender.MAN,),
    "another": (Gender.ANOTHER,), "another gender identity": (Gender.ANOTHER,), "other": (Gender.ANOTHER,),
    "non binary": (Gender.ANOTHER,), "nonbinary": (Gender.ANOTHER,), "x": (Gender.ANOTHER,),
    "unstated": (Gender.UNSTATED,), "prefer not to say": (Gender.UNSTATED,), "not stated": (Gender.UNSTATED,),
    "unknown": (Gender.UNSTATED,), "n/a": (Gender.UNSTATED,), "": (Gender.UNSTATED,),
}  # fmt: skip
ROLE_SYNONYMS: dict[str, tuple[ProfileRole, ...]] = {
    "faculty member": (ProfileRole.FACULTY,), "lecturer": (ProfileRole.FACULTY,),
    "professor": (ProfileRole.FACULTY,), "teacher": (ProfileRole.FACULTY,), "tutor": (ProfileRole.FACULTY,),
    "instructor": (ProfileRole.FACULTY,), "academic": (ProfileRole.FACULTY,), "enseignant": (ProfileRole.FACULTY,),
    "enseignante": (ProfileRole.FACULTY,), "docente": (ProfileRole.FACULTY,), "professeur": (ProfileRole.FACULTY,),
    "mhadhiri": (ProfileRole.FACULTY,), "dosen": (ProfileRole.FACULTY,),
    "leader": (ProfileRole.LEADER,), "administrator": (ProfileRole.LEADER,),
    "institutional leader or administrator": (ProfileRole.LEADER,), "dean": (ProfileRole.LEADER,),
    "rector": (ProfileRole.LEADER,), "vice chancellor": (ProfileRole.LEADER,), "director": (ProfileRole.LEADER,),
    "head of department": (ProfileRole.LEADER,), "registrar": (ProfileRole.LEADER,),
    "policy maker": (ProfileRole.POLICY_MAKER,), "policymaker": (ProfileRole.POLICY_MAKER,),
    "ministry official": (ProfileRole.POLICY_MAKER,), "regulator": (ProfileRole.POLICY_MAKER,),
    "student": (ProfileRole.OTHER,), "librarian": (ProfileRole.OTHER,), "": (ProfileRole.OTHER,),
    # Words that name more than one role: refused with both meanings.
    "staff": (ProfileRole.FACULTY, ProfileRole.LEADER),
    "admin": (ProfileRole.LEADER, ProfileRole.OTHER),
}  # fmt: skip


def word(value: str) -> str:
    """The comparable form of a cell: no accents or case, dashes and underscores as spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_\-‐-―]+", " ", text).strip()


@dataclass(frozen=True)
class Reading:
    """What a cell means: `value` when it is clear, else `candidates` (two or more) or none."""

    value: object = None
    candidates: tuple = ()


class Column:
    """One column's words: its values, its labels in every interface language, its synonyms."""

    def __init__(self, values: list, labels: list, synonyms: dict[str, tuple]):
        self.values, self.labels, self.synonyms = values, labels, synonyms
        self._tables: dict[tuple[str, ...], dict[str, set]] = {}

    def table(self) -> dict[str, set]:
        languages = tuple(current_app.config["LANGUAGES"])
        if languages not in self._tables:  # built once per process (translations do not change)
            table: dict[str, set] = {}

            def add(text: str, value) -> None:
                table.setdefault(word(text), set()).add(value)

            for value in self.values:
                add(str(value), value)
            for text, meanings in self.synonyms.items():
                for value in meanings:
                    add(text, value)
            for language in languages:
                with force_locale(language):
                    for value, label in zip(self.values, self.labels, strict=True):
                        add(str(label), value)
            self._tables[languages] = table
        return self._tables[languages]

    def read(self, text: str) -> Reading:
        meanings = self.table().get(word(text), set())
        if len(meanings) == 1:
            return Reading(value=next(iter(meanings)))
        return Reading(candidates=tuple(sorted(meanings, key=self.values.index)))


GENDER = Column(list(Gender), [choice.label for choice in GENDER_CHOICES], GENDER_SYNONYMS)
ROLE = Column(list(ProfileRole), [choice.label for choice in PROFILE_ROLE_CHOICES], ROLE_SYNONYMS)


@lru_cache(maxsize=4)
def _country_words(languages: tuple[str, ...]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for name in (country.alpha_2, country.alpha_3, country.name, getattr(country, "official_name", ""),
                     getattr(country, "common_name", "")):  # fmt: skip
            if name:
                table.setdefault(word(name), set()).add(country.alpha_2)
    for language in languages:
        for code, name in countries.names_in(language).items():
            table.setdefault(word(name), set()).add(code)
    return table


def read_country(text: str) -> Reading:
    """An ISO 3166 country by its alpha-2 or alpha-3 code, or its name in any interface
    language (English, French, Arabic, ...); an empty cell means no country (value "")."""
    if not text.strip():
        return Reading(value="")
    meanings = _country_words(tuple(current_app.config["LANGUAGES"])).get(word(text), set())
    if len(meanings) == 1:
        return Reading(value=next(iter(meanings)))
    return Reading(candidates=tuple(sorted(meanings)))


def accepted_values() -> dict[str, list[tuple[str, str, list[str]]]]:
    """For the upload page: each column's (value, label in the reader's language, synonyms)."""

    def rows(column: Column) -> list[tuple[str, str, list[str]]]:
        found = []
        for value, label in zip(column.values, column.labels, strict=True):
            shown = {word(str(value)), word(str(label))}  # not repeated as a synonym
            synonyms = sorted(text for text, meanings in column.synonyms.items()
                              if meanings == (value,) and text and word(text) not in shown)  # fmt: skip
            found.append((str(value), str(label), synonyms))
        return found

    return {"gender": rows(GENDER), "profile_role": rows(ROLE)}
