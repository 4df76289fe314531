"""Verification codes: random, typeable, kept whole by link detectors, strict about typos."""

from __future__ import annotations

import random
import re

import cmarkgfm
import pytest

from lms.certificates import codes

SYMBOL = "[0-9A-HJKMNP-TV-Z]"
CODE = re.compile(rf"^{SYMBOL}{{4}}(-{SYMBOL}{{4}}){{3}}-{SYMBOL}{{2}}$")


def legacy_code(payload: str) -> str:
    """A code in the first format (16 symbols and a modulo-37 check symbol), as issued until now."""
    return "-".join([payload[i : i + 4] for i in range(0, 16, 4)] + [codes.legacy_check_symbol(payload)])


def random_payload(rng: random.Random) -> str:
    return "".join(rng.choice(codes.ALPHABET) for _ in range(codes.PAYLOAD_LENGTH))


def legacy_payload_with_check(check: str, rng: random.Random) -> str:
    while True:
        payload = random_payload(rng)
        if codes.legacy_check_symbol(payload) == check:
            return payload


def test_new_codes_have_sixteen_symbols_two_check_symbols_and_pass_the_check(app_context):
    for _ in range(500):
        code = codes.new_code()
        assert CODE.match(code), code
        assert codes.normalise(code) == code


def test_every_symbol_of_a_new_code_is_a_letter_or_a_digit(app_context):
    drawn = "".join(codes.new_code().replace("-", "") for _ in range(2000))
    assert drawn.isalnum() and drawn.isascii()
    # both check positions take every value of the alphabet, not a few
    assert {codes.new_code()[-1] for _ in range(2000)} == set(codes.ALPHABET)


def test_codes_are_random_not_sequential(app_context):
    drawn = [codes.new_code() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    prefixes = {code[:4] for code in drawn}
    assert len(prefixes) > 1500  # 20 bits of prefix: sequences would share them


@pytest.mark.parametrize(
    "typed",
    [
        "7kq4-m2xc-9pda-t1hv-{c}",
        " 7KQ4 M2XC 9PDA T1HV {c} ",
        "7KQ4M2XC9PDAT1HV{c}",
        "7KQ4-M2XC-9PDA-TIHV-{c}",
        "7KQ4-M2XC-9PDA-TlHV-{c}",
    ],
)
def test_normalise_ignores_case_spaces_dashes_and_confusable_letters(app_context, typed):
    check = codes.check_symbols("7KQ4M2XC9PDAT1HV")
    assert codes.normalise(typed.format(c=check.lower())) == f"7KQ4-M2XC-9PDA-T1HV-{check}"


def test_letter_o_is_read_as_zero_also_in_the_check_symbols(app_context):
    payload = next(
        p for p in (random_payload(random.Random(n)) for n in range(5000)) if "0" in codes.check_symbols(p)
    )
    code = codes.format_code(payload)
    assert codes.normalise(code.replace("0", "O")) == code


# ---------------------------------------------------------------- what the check catches


def to_symbols(number: int, length: int) -> str:
    return "".join(codes.ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(length)))


def valid_symbols(fixed: dict[int, str], rng: random.Random) -> str:
    """18 symbols that pass the check and have the ``fixed`` symbols at their positions."""
    value = codes.ALPHABET.index
    if codes.PAYLOAD_LENGTH in fixed and codes.PAYLOAD_LENGTH + 1 in fixed:
        # both check symbols given: solve for the payload's value modulo 1021
        check = 32 * value(fixed[16]) + value(fixed[17])
        residue = (1 - check) * pow(32**2, -1, codes.CHECK_MODULUS) % codes.CHECK_MODULUS
        number = residue + codes.CHECK_MODULUS * rng.randrange(2**80 // codes.CHECK_MODULUS - 1)
        symbols = to_symbols(number, 16) + fixed[16] + fixed[17]
    else:
        while True:
            payload = list(random_payload(rng))
            for position, symbol in fixed.items():
                if position < codes.PAYLOAD_LENGTH:
                    payload[position] = symbol
            symbols = "".join(payload) + codes.check_symbols("".join(payload))
            if all(symbols[position] == symbol for position, symbol in fixed.items()):
                break
    assert codes.is_consistent(symbols)
    return symbols


def occurs_in_codes(position: int, left: str, right: str) -> bool:
    """False for check symbols ZX, ZY and ZZ: they would write remainders 1021-1023."""
    value = codes.ALPHABET.index
    return position != 16 or 32 * value(left) + value(right) < codes.CHECK_MODULUS


def refused_as_typo(symbols: str) -> bool:
    try:
        codes.normalise(symbols)
    except codes.MalformedCode as error:
        return "typing mistake" in str(error)
    return False


def test_every_single_wrong_symbol_in_every_position_is_caught(app_context):
    """Exhaustive over (position, symbol, replacement): 18 x 32 x 31 codes.

    The check is linear (valid means the base-32 number is 1 modulo 1021), so whether a change
    is caught depends only on the position and the two symbols, not on the rest of the code:
    covering every such triple covers every one of the 2^80 codes.
    """
    rng = random.Random(11)
    missed = []
    for position in range(codes.CODE_LENGTH):
        for symbol in codes.ALPHABET:
            symbols = valid_symbols({position: symbol}, rng)
            for replacement in codes.ALPHABET.replace(symbol, ""):
                wrong = symbols[:position] + replacement + symbols[position + 1 :]
                if not refused_as_typo(wrong):
                    missed.append(wrong)
    assert missed == []


def test_every_swap_of_two_different_neighbours_is_caught(app_context):
    """Exhaustive over (position, left symbol, right symbol): 17 x 32 x 31 codes (see above)."""
    rng = random.Random(12)
    missed = []
    tried = 0
    for position in range(codes.CODE_LENGTH - 1):
        for left in codes.ALPHABET:
            for right in codes.ALPHABET.replace(left, ""):
                if not occurs_in_codes(position, left, right):
                    continue
                symbols = valid_symbols({position: left, position + 1: right}, rng)
                swapped = symbols[:position] + right + left + symbols[position + 2 :]
                tried += 1
                if not refused_as_typo(swapped):
                    missed.append(swapped)
    assert missed == []
    assert tried == 17 * 32 * 31 - 2  # every pair but check symbols ZX and ZY, which no code has


def test_the_algebra_behind_the_exhaustive_tests():
    """The reason the check works: 1021 is prime and divides no change a typo or swap makes."""
    modulus = codes.CHECK_MODULUS
    assert all(modulus % d for d in range(2, int(modulus**0.5) + 1))
    assert 32 < modulus < 32**codes.CHECK_LENGTH
    weights = [pow(32, k, modulus) for k in range(codes.CODE_LENGTH)]
    assert all(d * w % modulus for w in weights for d in range(1, 32))
    assert all(d * (weights[k + 1] - weights[k]) % modulus for k in range(17) for d in range(1, 32))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "enter"),
        ("7KQ4-M2XC", "18 letters and digits (17 on older certificates)"),
        ("7KQ4-M2XC-9PDA-T1HV-RR-X", "18 letters"),
        ("7KQ4-M2XC-9PDA-T1HU-RR", "cannot contain 'U'"),
        ("7KQ4-M2XC-9PDA-T1H*-RR", "cannot contain '*'"),
    ],
)
def test_malformed_codes_say_what_is_wrong(app_context, typed, message):
    with pytest.raises(codes.MalformedCode, match=re.escape(message)):
        codes.normalise(typed)


# ---------------------------------------------------------------- links in messages


def autolinked(text: str) -> list[str]:
    """The link targets GitHub's autolinker (cmark-gfm, as chat and forum software use) finds."""
    return re.findall(r'href="([^"]*)"', cmarkgfm.github_flavored_markdown_to_html(text))


@pytest.mark.parametrize("around", ["See {} now", "{}", "Verify: {}.", "(see {})", "{}, thanks", "*{}*"])
def test_a_link_detector_keeps_the_whole_verification_link(app_context, around):
    for _ in range(200):
        url = f"https://learn.example.org/verify/{codes.new_code()}"
        assert autolinked(around.format(url)) == [url]


@pytest.mark.parametrize("check", ["*", "~"])
def test_first_format_links_ending_in_punctuation_were_cut_by_link_detectors(check):
    """Why the format changed: the same detector drops a final * or ~ from a first-format link."""
    url = (
        f"https://learn.example.org/verify/{legacy_code(legacy_payload_with_check(check, random.Random(1)))}"
    )
    assert autolinked(f"See {url} now") == [url[:-1]]


# ---------------------------------------------------------------- codes in the first format


def test_first_format_codes_of_every_check_symbol_still_normalise(app_context):
    rng = random.Random(3)
    for check in codes.LEGACY_CHECK_ALPHABET:
        code = legacy_code(legacy_payload_with_check(check, rng))
        assert codes.normalise(code) == code
        assert codes.normalise(code.lower().replace("-", " ")) == code


def test_a_first_format_code_is_never_read_as_a_current_one_and_back(app_context):
    """The two formats differ in length (17 and 18 symbols), so one string has one reading."""
    rng = random.Random(4)
    for _ in range(300):
        legacy = legacy_code(random_payload(rng))
        current = codes.new_code()
        assert len(legacy.replace("-", "")) == 17 and len(current.replace("-", "")) == 18
        assert codes.normalise(legacy) == legacy and codes.normalise(current) == current


def test_a_single_wrong_symbol_in_a_first_format_code_is_still_caught(app_context):
    rng = random.Random(5)
    payload = random_payload(rng)
    code = legacy_code(payload).replace("-", "")
    for position in range(17):
        alphabet = codes.LEGACY_CHECK_ALPHABET if position == 16 else codes.ALPHABET
        for symbol in alphabet.replace(code[position], ""):
            with pytest.raises(codes.MalformedCode):
                codes.normalise(code[:position] + symbol + code[position + 1 :])


@pytest.mark.parametrize("check", list(codes.DROPPED_BY_LINK_DETECTORS))
def test_a_first_format_link_cut_by_a_link_detector_still_finds_its_code(app_context, check):
    code = legacy_code(legacy_payload_with_check(check, random.Random(6)))
    assert codes.normalise(code[:-1]) == code
    assert codes.normalise(code[:-2]) == code  # the dash before it may go too


def test_sixteen_symbols_whose_check_would_be_a_letter_are_not_completed(app_context):
    payload = legacy_payload_with_check("U", random.Random(7))
    with pytest.raises(codes.MalformedCode, match="18 letters"):
        codes.normalise(payload)
