"""Tests for contacts.identifiers: RFC validation (a wrong homoclave digit is a warning).

Check digits come from the oracles of domain.md §3 (`identifier_oracles`); the tests compare
`ValidationError.code` and warning codes, never translated text.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts import identifiers
from contacts.identifiers import (
    ERROR_MESSAGES,
    RFC_WARNING_MESSAGES,
    RfcResult,
    rfc_validator,
    rfc_warning_message,
    validate_curp,
    validate_nss,
    validate_rfc,
)

from .identifier_oracles import (
    error_code,
    rfc_check_digit,
    rfc_with_check_digit,
)

# --- RFC ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("GODE561231GR8", "GODE561231GR8", id="fisica"),
        pytest.param(" gode 561231 gr8 ", "GODE561231GR8", id="fisica-lower-case-spaces"),
        pytest.param("GODE-561231-GR8", "GODE561231GR8", id="fisica-hyphens"),
        pytest.param("MAB9307148T4", "MAB9307148T4", id="moral"),
        pytest.param("MAB-930714-8T4", "MAB9307148T4", id="moral-hyphens"),
        # Check digits from §3.3, where Ñ = 38 and & = 24.
        pytest.param("MUÑO800101AB3", "MUÑO800101AB3", id="fisica-enye"),
        pytest.param("MUN\u0303O800101AB3", "MUÑO800101AB3", id="fisica-decomposed-enye"),
        pytest.param("&AB0101011A4", "&AB0101011A4", id="moral-ampersand"),
    ],
)
def test_validate_rfc_accepts_a_valid_rfc_without_warnings(raw, expected):
    # Given a valid RFC of a persona física (13) or moral (12)
    # When it is validated
    result = validate_rfc(raw)
    # Then it comes back normalized and with no warnings
    assert result == RfcResult(value=expected, warnings=())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("GODE561231", "GODE561231", id="fisica"),
        pytest.param("comg-600703", "COMG600703", id="lower-case-hyphen"),
    ],
)
def test_validate_rfc_accepts_the_ten_character_form_without_homoclave(raw, expected):
    # Given a persona física RFC without homoclave, as accepted on intake
    # When it is validated
    result = validate_rfc(raw)
    # Then it is accepted without warnings (there is no check digit to verify)
    assert result == RfcResult(value=expected, warnings=())


@pytest.mark.parametrize(
    ("raw", "expected_warnings"),
    [
        pytest.param("GODE561231GR9", ("rfc_check_digit",), id="fisica-check-digit-9"),
        pytest.param("GODE561231GRA", ("rfc_check_digit",), id="fisica-check-digit-A"),
        pytest.param("GODE561231GRB", ("rfc_check_digit",), id="fisica-check-digit-B"),
        pytest.param("VACE460910SX6", ("rfc_check_digit",), id="stdnum-irregular-vector"),
        pytest.param("MAB9307148T5", ("rfc_check_digit",), id="moral-check-digit-5"),
        pytest.param(
            rfc_with_check_digit("GODE561231G0"), ("rfc_homoclave",), id="homoclave-with-zero"
        ),
        pytest.param(
            "GODE561231W08", ("rfc_homoclave", "rfc_check_digit"), id="homoclave-and-digit"
        ),
    ],
)
def test_validate_rfc_only_warns_about_the_homoclave(raw, expected_warnings):
    # Given an RFC whose homoclave or check digit does not match (about 1.5 % of real RFCs)
    # When it is validated
    result = validate_rfc(raw)
    # Then it is accepted, with warnings that have Spanish messages
    assert result.value == raw
    assert result.warnings == expected_warnings
    assert all(code in RFC_WARNING_MESSAGES for code in result.warnings)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param("GODE56123", id="nine"),
        pytest.param("GODE561231G", id="eleven"),
        pytest.param("GODE561231GR81", id="fourteen"),
    ],
)
def test_validate_rfc_refuses_a_wrong_length(raw):
    # Given an RFC that has neither 10, 12 nor 13 characters
    # When it is validated
    # Then the length is refused
    assert error_code(validate_rfc, raw) == "rfc_length"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("G0DE561231GR8", id="digit-in-name"),
        pytest.param("GODE5612A1GR8", id="letter-in-date"),
        pytest.param("GODE561231GR*", id="symbol-in-homoclave"),
        pytest.param("GODE56123100", id="twelve-with-four-letters"),
        pytest.param("MAB93071481T4", id="thirteen-with-three-letters"),
        pytest.param("GOD9561231", id="ten-with-three-letters"),
    ],
)
def test_validate_rfc_refuses_a_wrong_pattern(raw):
    # Given an RFC of a valid length that does not follow the SAT pattern
    # When it is validated
    # Then the format is refused
    assert error_code(validate_rfc, raw) == "rfc_format"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(rfc_with_check_digit("GODE561331GR"), id="fisica-month-13"),
        pytest.param(rfc_with_check_digit("GODE560230GR"), id="fisica-30-february"),
        pytest.param(rfc_with_check_digit("GODE010229GR"), id="fisica-29-february-01"),
        pytest.param("GODE561200", id="fisica-without-homoclave-day-0"),
        pytest.param(rfc_with_check_digit("MAB930230AB"), id="moral-30-february"),
    ],
)
def test_validate_rfc_refuses_a_date_that_does_not_exist(raw):
    # Given an RFC with a correct check digit but an impossible date
    # When it is validated
    # Then the date is refused
    assert error_code(validate_rfc, raw) == "rfc_birth_date"


def test_validate_rfc_accepts_29_february_00():
    # Given an RFC dated 29 February 00 (2000 was a leap year; 1900 was not)
    rfc = rfc_with_check_digit("GODE000229GR")
    # When it is validated
    # Then it is accepted
    assert validate_rfc(rfc) == RfcResult(value=rfc, warnings=())


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(rfc_with_check_digit("PUTO561231GR"), id="fisica-13"),
        pytest.param("CACA561231", id="fisica-10"),
    ],
)
def test_validate_rfc_refuses_a_palabra_inconveniente(raw):
    # Given a persona física RFC whose first four letters are an inconvenient word
    # When it is validated
    # Then it is refused: the SAT replaces the last of those letters with X
    assert error_code(validate_rfc, raw) == "rfc_inconvenient_word"


def test_rfc_validator_does_not_raise_for_a_warning_but_does_for_an_error():
    # Given the field validator
    # When it runs on a valid RFC, one with a wrong check digit and a malformed one
    # Then only the malformed one raises
    rfc_validator("GODE561231GR8")  # does not raise
    rfc_validator("GODE561231GR9")  # does not raise
    assert error_code(rfc_validator, "GODE561331GR8") == "rfc_birth_date"


@hypothesis_settings(derandomize=True, database=None, max_examples=200, deadline=None)
@given(
    letters=st.from_regex(r"[A-ZÑ&]{4}", fullmatch=True),
    moral=st.booleans(),
    when=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    homoclave=st.from_regex(r"[1-9A-V][1-9A-Z]", fullmatch=True),
)
def test_rfc_with_the_computed_check_digit_has_no_warning_and_any_other_digit_warns(
    letters, moral, when, homoclave
):
    # Given a well-formed RFC without its check digit, física (4 letters) or moral (3)
    without_digit = f"{letters[1:] if moral else letters}{when:%y%m%d}{homoclave}"
    correct = rfc_check_digit(without_digit)
    # When each possible last character is appended
    results: dict[str, object] = {}
    for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        try:
            results[char] = validate_rfc(without_digit + char).warnings
        except ValidationError as error:
            results[char] = error.code
    assume("rfc_inconvenient_word" not in results.values())
    # Then only the one from domain.md §3.3 has no warning; the others warn and are accepted
    assert results.pop(correct) == ()
    assert set(results.values()) == {("rfc_check_digit",)}


# --- Messages ----------------------------------------------------------------------------------


def test_every_error_code_has_a_spanish_message_naming_its_identifier():
    # Given the catalogue of error messages (es-MX source text)
    # When it is inspected
    # Then it has exactly the documented codes, each a Spanish sentence naming its identifier
    assert set(ERROR_MESSAGES) == {
        "nss_format",
        "nss_check_digit",
        "curp_length",
        "curp_format",
        "curp_inconvenient_word",
        "curp_birth_date",
        "curp_state",
        "curp_check_digit",
        "rfc_length",
        "rfc_format",
        "rfc_inconvenient_word",
        "rfc_birth_date",
    }
    assert ERROR_MESSAGES["nss_format"] == "El NSS debe tener 11 dígitos."
    assert ERROR_MESSAGES["curp_length"] == "La CURP debe tener 18 caracteres."
    assert ERROR_MESSAGES["curp_birth_date"] == "La fecha de nacimiento de la CURP no existe."
    assert ERROR_MESSAGES["rfc_birth_date"] == "La fecha del RFC (AAMMDD) no existe."
    for code, message in ERROR_MESSAGES.items():
        assert message.split()[0] in {"El", "La", "Las"}, code
        assert message.endswith("."), code
        assert code.split("_")[0].upper() in message, code


def test_every_rfc_warning_has_a_spanish_message():
    # Given the catalogue of RFC warnings
    # When it is inspected
    # Then both warnings are explained in Spanish and can be translated lazily
    assert set(RFC_WARNING_MESSAGES) == {"rfc_check_digit", "rfc_homoclave"}
    assert RFC_WARNING_MESSAGES["rfc_check_digit"].startswith(
        "El dígito verificador del RFC no coincide."
    )
    assert RFC_WARNING_MESSAGES["rfc_homoclave"].startswith("La homoclave del RFC")
    assert isinstance(rfc_warning_message("rfc_check_digit"), Promise)


@pytest.mark.parametrize(
    ("validate", "raw", "code"),
    [
        pytest.param(validate_nss, "123", "nss_format", id="nss"),
        pytest.param(validate_curp, "BOXW310820HNERXN08", "curp_check_digit", id="curp"),
        pytest.param(validate_rfc, "GODE561331GR8", "rfc_birth_date", id="rfc"),
    ],
)
def test_errors_carry_the_catalogue_message_translated_lazily(validate, raw, code, monkeypatch):
    # Given an invalid identifier
    # When it is validated
    with pytest.raises(ValidationError) as excinfo:
        validate(raw)
    # Then the message is lazy, so nothing is translated at import time or without settings
    assert excinfo.value.code == code
    assert isinstance(excinfo.value.message, Promise)
    # And with translation replaced by the identity, it is the es-MX source text of its code
    monkeypatch.setattr(identifiers, "_", str)
    with pytest.raises(ValidationError) as excinfo:
        validate(raw)
    assert excinfo.value.message == ERROR_MESSAGES[code]
