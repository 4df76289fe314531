"""Verification codes: 80 random bits in Crockford's base32, with a check that catches typos.

A code looks like ``7KQ4-M2XC-9PDA-T1HV-C8``: sixteen symbols of Crockford's alphabet (5 bits
each, so 80 bits from `secrets`, never sequential and never derived from the holder) and two
check symbols from the same alphabet. Read as one 18-digit number in base 32, a code is
congruent to 1 modulo 1021 (the largest prime below 32², so the two check symbols can always
write the remainder). This is how IBAN check digits work (ISO 7064 MOD 97-10), with base 32 and
a larger prime. Because 1021 is a prime that divides neither 32 nor any number from 1 to 31, it
divides neither the change one wrong symbol makes, (b - a)·32^k, nor the change a swap of two
neighbours makes, (a - b)·31·32^k: every single wrong symbol and every swap of neighbours (the check symbols
included) is reported before the database is asked, and other typos slip through once in 1021.

Every symbol of a code is a letter or a digit, so chat apps and mail programs that turn
addresses into links keep the whole code in the link. The first codes (issued until this format
replaced them) had one check symbol, the 80-bit value modulo 37 in Crockford's check alphabet,
which adds ``* ~ $ = U``: about 4 codes in 37 ended in punctuation that link detectors drop.
Those codes still verify, and so do their links that lost the final symbol to a link detector
(16 symbols whose first-format check symbol is one of ``* ~ $ =``). The two formats are told apart by their length, 17 symbols for the
first format and 18 for the current one, once spaces and dashes are removed.

People read codes aloud and type them from paper, so input is forgiving: case, spaces and
dashes are ignored, and the letters Crockford treats as confusable are read as digits
(I and L as 1, O as 0).
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAYLOAD_LENGTH = 16  # 16 x 5 bits = 80 bits
CHECK_LENGTH = 2
CHECK_MODULUS = 1021  # prime, > 32, < 32**CHECK_LENGTH
CODE_LENGTH = PAYLOAD_LENGTH + CHECK_LENGTH
GROUP = 4
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}

#: The first format's check alphabet: Crockford's 32 symbols and five more for values 32-36.
LEGACY_CHECK_ALPHABET = ALPHABET + "*~$=U"
LEGACY_LENGTH = PAYLOAD_LENGTH + 1
#: Check symbols of the first format that link detectors leave out of a link (GitHub's
#: autolinker drops a final ``*`` or ``~``, chat apps read them as bold and strike-through).
DROPPED_BY_LINK_DETECTORS = "*~$="


class MalformedCode(ValueError):
    """The text cannot be a certificate code; the message says why (for a 400 page)."""


def _number(symbols: str) -> int:
    value = 0
    for symbol in symbols:
        value = value * 32 + _VALUES[symbol]
    return value


def check_symbols(payload: str) -> str:
    """The two check symbols that make ``payload`` + them congruent to 1 modulo 1021."""
    remainder = (1 - _number(payload) * 32**CHECK_LENGTH) % CHECK_MODULUS
    return ALPHABET[remainder // 32] + ALPHABET[remainder % 32]


def is_consistent(symbols: str) -> bool:
    """True if 18 symbols (no dashes) pass the check: the whole number is 1 modulo 1021."""
    return _number(symbols) % CHECK_MODULUS == 1


def legacy_check_symbol(payload: str) -> str:
    """The first format's check symbol: the payload's value modulo 37."""
    return LEGACY_CHECK_ALPHABET[_number(payload) % 37]


def _grouped(payload: str, check: str) -> str:
    groups = [payload[i : i + GROUP] for i in range(0, len(payload), GROUP)]
    return "-".join(groups + [check])


def format_code(payload: str) -> str:
    """The printed form of a current code for a 16-symbol payload."""
    return _grouped(payload, check_symbols(payload))


def new_code() -> str:
    """A fresh code with 80 bits from the operating system's random source."""
    value = secrets.randbits(PAYLOAD_LENGTH * 5)
    payload = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(PAYLOAD_LENGTH)))
    return format_code(payload)


def _typo() -> MalformedCode:
    return MalformedCode(
        _(
            "This code contains a typing mistake (its check characters do not match). "
            "Please compare it with the certificate."
        )
    )


def normalise(raw: str) -> str:
    """Return the code in its printed form, or raise MalformedCode.

    Accepts any case, spaces and dashes anywhere, and I/L/O for 1/1/0; accepts codes of both
    formats (18 symbols now, 17 for certificates issued in the first format).
    """
    text = "".join((raw or "").split()).replace("-", "").upper()
    if not text:
        raise MalformedCode(_("Please enter a certificate code."))
    truncated = _truncated_legacy_link(text)
    if truncated:
        return truncated
    if len(text) not in (CODE_LENGTH, LEGACY_LENGTH):
        raise MalformedCode(
            _(
                "A certificate code has %(count)d letters and digits (%(legacy)d on older "
                "certificates); this one has %(given)d.",
                count=CODE_LENGTH,
                legacy=LEGACY_LENGTH,
                given=len(text),
            )
        )
    if len(text) == LEGACY_LENGTH:
        return _normalise_legacy(text)
    symbols = text.translate(_CONFUSABLE)
    _refuse_foreign_symbols(symbols)
    if not is_consistent(symbols):
        raise _typo()
    return _grouped(symbols[:PAYLOAD_LENGTH], symbols[PAYLOAD_LENGTH:])


def _refuse_foreign_symbols(symbols: str) -> None:
    bad = sorted({symbol for symbol in symbols if symbol not in _VALUES})
    if bad:
        raise MalformedCode(
            _("A certificate code cannot contain %(symbols)s.", symbols=", ".join(repr(s) for s in bad))
        )


def _truncated_legacy_link(text: str) -> str | None:
    """The first-format code whose link lost its last symbol to a link detector, if ``text`` is
    that link's 16 symbols: only codes whose check symbol is punctuation lose it, and the check
    symbol follows from the payload, so the full code is known."""
    if len(text) != PAYLOAD_LENGTH:
        return None
    payload = text.translate(_CONFUSABLE)
    if any(symbol not in _VALUES for symbol in payload):
        return None
    check = legacy_check_symbol(payload)
    return _grouped(payload, check) if check in DROPPED_BY_LINK_DETECTORS else None


def _normalise_legacy(text: str) -> str:
    """A first-format code (16 symbols and a modulo-37 check symbol) in its printed form."""
    payload, check = text[:-1].translate(_CONFUSABLE), text[-1]
    _refuse_foreign_symbols(payload)
    if check in "ILO":
        check = check.translate(_CONFUSABLE)
    if check not in LEGACY_CHECK_ALPHABET or check != legacy_check_symbol(payload):
        raise _typo()
    return _grouped(payload, check)
