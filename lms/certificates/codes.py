"""Verification codes: 80 random bits written in Crockford's base32, with a check character.

A code looks like ``7KQ4-M2XC-9PDA-T1HV-R``: sixteen symbols of Crockford's alphabet (5 bits
each, so 80 bits from `secrets`, never sequential and never derived from the holder) and one
check symbol, the 80-bit value modulo 37 written with Crockford's check alphabet (the 32 symbols
plus ``*~$=U``). A prime modulus above the alphabet size catches every single wrong symbol and
every swap of two neighbours, so a typo is reported before the database is asked.

People read codes aloud and type them from paper, so input is forgiving: case, spaces and
dashes are ignored, and the letters Crockford treats as confusable are read as digits
(I and L as 1, O as 0).
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
PAYLOAD_LENGTH = 16  # 16 x 5 bits = 80 bits
GROUP = 4
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}


class MalformedCode(ValueError):
    """The text cannot be a certificate code; the message says why (for a 400 page)."""


def check_symbol(payload: str) -> str:
    value = 0
    for symbol in payload:
        value = value * 32 + _VALUES[symbol]
    return CHECK_ALPHABET[value % 37]


def format_code(payload: str) -> str:
    groups = [payload[i : i + GROUP] for i in range(0, len(payload), GROUP)]
    return "-".join(groups + [check_symbol(payload)])


def new_code() -> str:
    """A fresh code with 80 bits from the operating system's random source."""
    value = secrets.randbits(PAYLOAD_LENGTH * 5)
    payload = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(PAYLOAD_LENGTH)))
    return format_code(payload)


def normalise(raw: str) -> str:
    """Return the code in its printed form, or raise MalformedCode.

    Accepts any case, spaces and dashes anywhere, and I/L/O for 1/1/0.
    """
    text = "".join((raw or "").split()).replace("-", "").upper()
    if not text:
        raise MalformedCode(_("Please enter a certificate code."))
    payload, check = text[:-1].translate(_CONFUSABLE), text[-1:]
    if len(text) != PAYLOAD_LENGTH + 1:
        raise MalformedCode(
            _(
                "A certificate code has %(count)d letters and digits; this one has %(given)d.",
                count=PAYLOAD_LENGTH + 1,
                given=len(text),
            )
        )
    bad = sorted({symbol for symbol in payload if symbol not in _VALUES})
    if bad:
        raise MalformedCode(
            _("A certificate code cannot contain %(symbols)s.", symbols=", ".join(repr(s) for s in bad))
        )
    if check in "ILO":
        check = check.translate(_CONFUSABLE)
    if check not in CHECK_ALPHABET or check != check_symbol(payload):
        raise MalformedCode(
            _(
                "This code contains a typing mistake (its check character does not match). Please compare it with the certificate."
            )
        )
    return format_code(payload)
