"""Tests for contacts.identifiers: NSS, CURP and RFC validation.

The check digits in these tests come from small oracles written from domain.md §3, not from
python-stdnum, so the tests also check that stdnum follows the algorithms in the domain reference.
The tests compare `ValidationError.code`, never translated text.
"""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.identifiers import (
    birth_date_from_curp,
    curp_validator,
    normalize_nss,
    nss_validator,
    validate_curp,
    validate_nss,
)

from .identifier_oracles import (
    curp_with_check_digit,
    error_code,
    nss_check_digit,
    rfc_check_digit,
)


def test_oracles_reproduce_the_worked_examples_of_the_domain_reference():
    # Given the worked examples in domain.md §3
    # When the oracles compute their check digits
    # Then they match the documented values
    assert nss_check_digit("9291908443") == "1"
    assert curp_with_check_digit("BOXW310820HNERXN0") == "BOXW310820HNERXN09"
    assert curp_with_check_digit("GAPA050101MDFRRNA") == "GAPA050101MDFRRNA3"
    assert rfc_check_digit("GODE561231GR") == "8"
    assert rfc_check_digit("MAB9307148T") == "4"


# --- NSS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("92919084431", id="plain"),
        pytest.param("9291 908 4431", id="spaces"),
        pytest.param("92-91-90-84431", id="hyphens"),
        pytest.param(" 92919084431\n", id="surrounding-whitespace"),
        pytest.param("9291\u2010908\u00a04431", id="unicode-hyphen-and-nbsp"),
        pytest.param("".join(chr(0xFF10 + int(d)) for d in "92919084431"), id="full-width-digits"),
    ],
)
def test_validate_nss_accepts_a_valid_nss_and_returns_it_normalized(raw):
    # Given a valid NSS as someone might type or paste it
    # When it is validated
    result = validate_nss(raw)
    # Then the 11 digits come back without separators
    assert result == "92919084431"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("92 91-9", "92919", id="separators-removed"),
        pytest.param("9291A", "9291A", id="other-characters-kept"),
    ],
)
def test_normalize_nss_only_removes_separators(raw, expected):
    # Given any text
    # When it is normalized
    # Then only whitespace and hyphens are gone; validation is a separate step
    assert normalize_nss(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param("9291908443", id="ten-digits"),
        pytest.param("929190844311", id="twelve-digits"),
        pytest.param("9291908443A", id="letter-as-check-digit"),
        pytest.param("92919O84431", id="letter-O-for-zero"),
        pytest.param("92.919.084.431", id="dots"),
        pytest.param("\u0669" + "2919084431", id="arabic-indic-digit"),
    ],
)
def test_validate_nss_refuses_anything_but_eleven_digits(raw):
    # Given text that is not exactly 11 ASCII digits after normalization
    # When it is validated
    # Then it is refused as a format error
    assert error_code(validate_nss, raw) == "nss_format"


# Luhn by hand for 9291908443 (domain.md §3.1): weights 1,2,1,2,… give
# 9·1=9, 2·2=4, 9·1=9, 1·2=2, 9·1=9, 0·2=0, 8·1=8, 4·2=8, 4·1=4, 3·2=6 → sum 59
# → check digit (10 - 59 mod 10) mod 10 = 1, so 92919084431 is valid and any other last digit is not.
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("92919084430", id="check-digit-0"),
        pytest.param("92919084432", id="check-digit-2"),
        pytest.param("92919084439", id="check-digit-9"),
        pytest.param("29919084431", id="first-two-digits-swapped"),
        pytest.param("92919084341", id="two-digits-swapped-before-check"),
        pytest.param("9291 908 4430", id="spaces-and-wrong-check-digit"),
    ],
)
def test_validate_nss_refuses_a_wrong_luhn_check_digit(raw):
    # Given 11 digits whose Luhn check digit does not match
    # When they are validated
    # Then the check digit is refused
    assert error_code(validate_nss, raw) == "nss_check_digit"


@hypothesis_settings(derandomize=True, database=None, max_examples=200, deadline=None)
@given(first10=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_nss_with_the_computed_luhn_digit_is_valid_and_every_other_digit_is_refused(first10):
    # Given any 10 digits and their Luhn check digit computed by hand (the oracle)
    check = nss_check_digit(first10)
    # When each of the ten possible last digits is appended
    codes = {digit: error_code(validate_nss, first10 + digit) for digit in "0123456789"}
    # Then only the computed one is accepted
    assert codes.pop(check) is None
    assert set(codes.values()) == {"nss_check_digit"}


def test_nss_validator_accepts_valid_and_raises_for_invalid():
    # Given the field validator
    # When it runs on a valid and on an invalid NSS
    # Then it accepts the first and raises with the code for the second
    nss_validator("92919084431")  # does not raise
    assert error_code(nss_validator, "92919084430") == "nss_check_digit"


# --- CURP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("BOXW310820HNERXN09", "BOXW310820HNERXN09", id="born-1931-abroad"),
        pytest.param("GAPA050101MDFRRNA3", "GAPA050101MDFRRNA3", id="born-2005-letter-diff"),
        pytest.param("boxw310820hnerxn09", "BOXW310820HNERXN09", id="lower-case"),
        pytest.param("  BOXW 310820 HNE RXN 09 ", "BOXW310820HNERXN09", id="spaces"),
        pytest.param("BOXW-310820-HNERXN-09", "BOXW310820HNERXN09", id="hyphens"),
    ],
)
def test_validate_curp_accepts_a_valid_curp_and_returns_it_normalized(raw, expected):
    # Given a valid CURP as someone might type it
    # When it is validated
    result = validate_curp(raw)
    # Then it comes back upper-case and without separators
    assert result == expected


# fmt: off
CURP_STATES = [
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
]
# fmt: on


@pytest.mark.parametrize("state", CURP_STATES)
def test_validate_curp_accepts_every_state_code_of_renapo(state):
    # Given a CURP for someone born in each entidad (or abroad, NE)
    curp = curp_with_check_digit(f"BOXW310820H{state}RXN0")
    # When it is validated
    # Then it is accepted
    assert validate_curp(curp) == curp


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param("BOXW310820HNERXN0", id="seventeen"),
        pytest.param("BOXW310820HNERXN090", id="nineteen"),
    ],
)
def test_validate_curp_refuses_a_wrong_length(raw):
    # Given a CURP that does not have 18 characters
    # When it is validated
    # Then the length is refused
    assert error_code(validate_curp, raw) == "curp_length"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("BOXW310820XNERXN09", id="sex-letter-X"),
        pytest.param("BOXW310820FNERXN09", id="sex-letter-F"),
        pytest.param("B0XW310820HNERXN09", id="digit-in-name"),
        pytest.param("BOXW31O820HNERXN09", id="letter-in-date"),
        pytest.param("BRXW310820HNERXN09", id="second-character-not-a-vowel"),
        pytest.param("BOXW310820HNEAXN09", id="vowel-among-inner-consonants"),
        pytest.param("BOXW310820HNERXN0A", id="letter-as-check-digit"),
        pytest.param("BOXW310820HNERXN_9", id="symbol-as-differentiator"),
        pytest.param("BOÑW310820HNERXN09", id="enye-renapo-writes-X"),
    ],
)
def test_validate_curp_refuses_a_wrong_pattern(raw):
    # Given 18 characters that do not follow the RENAPO pattern
    # When they are validated
    # Then the format is refused
    assert error_code(validate_curp, raw) == "curp_format"


@pytest.mark.parametrize(
    "first17",
    [
        pytest.param("BOXW310231HNERXN0", id="31-february-31"),
        pytest.param("BOXW990230HNERXN0", id="30-february-99"),
        pytest.param("BOXW991301HNERXN0", id="month-13"),
        pytest.param("BOXW990100HNERXN0", id="day-0"),
        pytest.param("BOXW000229HNERXN0", id="29-february-1900-digit-diff"),
    ],
)
def test_validate_curp_refuses_a_birth_date_that_does_not_exist(first17):
    # Given a CURP with a correct check digit but an impossible birth date
    curp = curp_with_check_digit(first17)
    # When it is validated
    # Then the birth date is refused
    assert error_code(validate_curp, curp) == "curp_birth_date"


def test_validate_curp_uses_the_differentiator_for_the_century_of_a_leap_day():
    # Given 29 February 00 with a letter differentiator (2000, a leap year)
    curp = curp_with_check_digit("BOXW000229HNERXNA")
    # When it is validated
    # Then it is accepted (with a digit differentiator, 1900, it is not: see the test above)
    assert validate_curp(curp) == curp


@pytest.mark.parametrize("state", ["XX", "ZZ", "MX", "EX"])
def test_validate_curp_refuses_an_unknown_state_code(state):
    # Given a CURP with a correct check digit but a state code RENAPO does not use
    curp = curp_with_check_digit(f"BOXW310820H{state}RXN0")
    # When it is validated
    # Then the state is refused
    assert error_code(validate_curp, curp) == "curp_state"


@pytest.mark.parametrize("word", ["PUTO", "CACA", "BUEY", "MOCO"])
def test_validate_curp_refuses_a_palabra_inconveniente(word):
    # Given a CURP with a correct check digit whose first four letters are an inconvenient word
    curp = curp_with_check_digit(f"{word}310820HNERXN0")
    # When it is validated
    # Then it is refused: RENAPO would have replaced the second letter with X
    assert error_code(validate_curp, curp) == "curp_inconvenient_word"


def test_validate_curp_accepts_the_word_as_renapo_writes_it():
    # Given the same CURP with X as the second letter, as RENAPO issues it
    curp = curp_with_check_digit("PXTO310820HNERXN0")
    # When it is validated
    # Then it is accepted
    assert validate_curp(curp) == curp


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("BOXW310820HNERXN08", id="1931-check-digit-8"),
        pytest.param("GAPA050101MDFRRNA4", id="2005-check-digit-4"),
        pytest.param("boxw310820hnerxn00", id="lower-case-check-digit-0"),
        pytest.param("BOXW310820HNERXM09", id="one-consonant-mistyped"),
    ],
)
def test_validate_curp_refuses_a_wrong_check_digit(raw):
    # Given a well-formed CURP whose check digit does not match
    # When it is validated
    # Then the check digit is refused
    assert error_code(validate_curp, raw) == "curp_check_digit"


@hypothesis_settings(derandomize=True, database=None, max_examples=200, deadline=None)
@given(
    name=st.from_regex(r"[A-Z][AEIOUX][A-Z]{2}", fullmatch=True),
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    sex=st.sampled_from("HM"),
    state=st.sampled_from(CURP_STATES),
    consonants=st.from_regex(r"[B-DF-HJ-NP-TV-Z]{3}", fullmatch=True),
    differentiator_index=st.integers(min_value=0, max_value=25),
)
def test_curp_with_the_computed_check_digit_is_valid_and_every_other_digit_is_refused(
    name, birth_date, sex, state, consonants, differentiator_index
):
    # Given a well-formed CURP body (digit differentiator in the 1900s, letter in the 2000s)
    alphabet = "0123456789" if birth_date.year < 2000 else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    differentiator = alphabet[differentiator_index % len(alphabet)]
    first17 = f"{name}{birth_date:%y%m%d}{sex}{state}{consonants}{differentiator}"
    correct = curp_with_check_digit(first17)
    # When each of the ten possible check digits is appended
    codes = {
        curp[-1]: error_code(validate_curp, curp) for curp in (first17 + d for d in "0123456789")
    }
    assume("curp_inconvenient_word" not in codes.values())
    # Then only the one from domain.md §3.2 is accepted, and the birth date is read back
    assert codes.pop(correct[-1]) is None
    assert set(codes.values()) == {"curp_check_digit"}
    assert birth_date_from_curp(correct) == birth_date


@pytest.mark.parametrize(
    ("curp", "expected"),
    [
        pytest.param("BOXW310820HNERXN09", date(1931, 8, 20), id="digit-diff-1900s"),
        pytest.param("GAPA050101MDFRRNA3", date(2005, 1, 1), id="letter-diff-2000s"),
        pytest.param("gapa050101mdfrrna3", date(2005, 1, 1), id="lower-case"),
    ],
)
def test_birth_date_from_curp_reads_the_century_from_the_differentiator(curp, expected):
    # Given a valid CURP
    # When its birth date is read
    # Then the century follows the differentiator
    assert birth_date_from_curp(curp) == expected


def test_birth_date_from_curp_refuses_an_invalid_curp():
    # Given a CURP with a wrong check digit
    # When its birth date is read
    # Then it is refused like validate_curp refuses it
    assert error_code(birth_date_from_curp, "BOXW310820HNERXN08") == "curp_check_digit"


def test_curp_validator_accepts_valid_and_raises_for_invalid():
    # Given the field validator
    # When it runs on a valid and on an invalid CURP
    # Then it accepts the first and raises with the code for the second
    curp_validator("BOXW310820HNERXN09")  # does not raise
    assert error_code(curp_validator, "BOXW310820HXXRXN09") == "curp_state"
