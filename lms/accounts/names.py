"""Rules for a person's name as it will be printed on a certificate.

Names are kept exactly as typed in any script, but normalised to NFC so that the same name typed
on two keyboards compares equal, and stripped of characters that could disguise it: control
characters and bidirectional overrides/isolates (used to make text display in a misleading order).
Zero-width joiner and non-joiner stay: Persian and Indic names need them. A character that
no font shipped for certificates can print is refused here, when the person can still fix it,
rather than printed as an empty box later.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext

from lms.typography.coverage import uncovered_characters

MAX_NAME_LENGTH = 200

ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class InvalidName(ValueError):
    """The name cannot be accepted; the message says why, for the form."""


def normalise_name(raw: str) -> str:
    """Return the name in NFC with runs of white space collapsed, or raise InvalidName.

    The length limit counts the normalised name: a Vietnamese name typed with combining accents
    (two or three code points a letter) is as long as the same name typed precomposed.
    """
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise InvalidName(_("Please enter your name."))
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(_("A name can be at most %(count)d characters long.", count=MAX_NAME_LENGTH))
    for char in name:
        if char in BIDI_CONTROLS:
            raise InvalidName(_("The name contains an invisible text-direction control character."))
        category = unicodedata.category(char)
        if category == "Cf" and char not in ALLOWED_FORMAT_CHARACTERS:
            raise InvalidName(_("The name contains an invisible formatting character."))
        if category in {"Cc", "Cs", "Co", "Cn"}:
            raise InvalidName(_("The name contains a control or unassigned character."))
    unprintable = uncovered_characters(name)
    if unprintable:
        raise InvalidName(unprintable_message(unprintable))
    return name


def unprintable_message(characters: list[str]) -> str:
    """The refusal naming every character no certificate font has, each with its code point.

    All of them, however many: a person fixing a name needs the whole list at once, not five at
    a time. Each appears once, in the order typed, as “x” (U+XXXX) so that a character that looks
    like another (or like nothing) can still be found.
    """
    shown = ", ".join(f"“{char}” (U+{ord(char):04X})" for char in characters)
    return ngettext(
        "This character cannot be printed on a certificate: %(chars)s. Please write your name without it.",
        "These %(num)d characters cannot be printed on a certificate: %(chars)s. Please write your name without them.",
        len(characters),
        chars=shown,
    )
