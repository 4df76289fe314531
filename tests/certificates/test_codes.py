"""Verification codes: random, typeable, forgiving of how people type them, strict about typos."""

from __future__ import annotations

import re

import pytest

from lms.certificates import codes

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z*~$=U]$")


def test_new_codes_have_sixteen_symbols_and_a_valid_check(app_context):
    for _ in range(200):
        code = codes.new_code()
        assert CODE.match(code), code
        assert codes.normalise(code) == code


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
    check = codes.check_symbol("7KQ4M2XC9PDAT1HV")
    assert codes.normalise(typed.format(c=check.lower())) == f"7KQ4-M2XC-9PDA-T1HV-{check}"


def test_letter_o_is_read_as_zero(app_context):
    check = codes.check_symbol("70Q4M2XC9PDAT1HV")
    assert codes.normalise(f"7OQ4-M2XC-9PDA-T1HV-{check}") == f"70Q4-M2XC-9PDA-T1HV-{check}"


def test_every_single_symbol_typo_is_caught(app_context):
    code = codes.new_code()
    payload = code.replace("-", "")[:-1]
    for position in range(len(payload)):
        for symbol in codes.ALPHABET:
            if symbol == payload[position]:
                continue
            wrong = payload[:position] + symbol + payload[position + 1 :]
            with pytest.raises(codes.MalformedCode):
                codes.normalise(wrong + code[-1])


def test_swapping_neighbours_is_caught(app_context):
    payload = "7KQ4M2XC9PDAT1HV"
    check = codes.check_symbol(payload)
    swapped = payload[1] + payload[0] + payload[2:]
    with pytest.raises(codes.MalformedCode, match="typing mistake"):
        codes.normalise(swapped + check)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "enter"),
        ("7KQ4-M2XC", "17 letters"),
        ("7KQ4-M2XC-9PDA-T1HV-R-X", "17 letters"),
        ("7KQ4-M2XC-9PDA-T1HU-R", "cannot contain"),
    ],
)
def test_malformed_codes_say_what_is_wrong(app_context, typed, message):
    with pytest.raises(codes.MalformedCode, match=message):
        codes.normalise(typed)
