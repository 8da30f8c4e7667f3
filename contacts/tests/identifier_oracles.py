"""Check-digit oracles written from domain.md §3 (not from python-stdnum), shared by the
identifier tests, and a helper that reads a refusal's code."""

from collections.abc import Callable

from django.core.exceptions import ValidationError

# --- Oracles from domain.md §3 -----------------------------------------------------------------


def nss_check_digit(first10: str) -> str:
    """§3.1: weights 1,2,1,2,… from the left; add the two digits of a product ≥ 10."""
    total = 0
    for position, char in enumerate(first10):
        product = int(char) * (1 if position % 2 == 0 else 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def curp_with_check_digit(first17: str) -> str:
    """§3.2: character i (1..17) weighted 19 - i; check = (10 - sum mod 10) mod 10."""
    total = sum(CURP_ALPHABET.index(char) * (18 - i) for i, char in enumerate(first17))
    return first17 + str((10 - total % 10) % 10)


RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"


def rfc_check_digit(without_digit: str) -> str:
    """§3.3: left-pad to 12 with spaces, weights 13..2, check = (11 - sum mod 11) mod 11."""
    padded = without_digit.rjust(12)
    total = sum(RFC_ALPHABET.index(char) * (13 - i) for i, char in enumerate(padded))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def rfc_with_check_digit(without_digit: str) -> str:
    return without_digit + rfc_check_digit(without_digit)


def error_code(validate: Callable[[str], object], value: str) -> str | None:
    """The code of the ValidationError that `validate(value)` raises, or None if it accepts."""
    try:
        validate(value)
    except ValidationError as error:
        return error.code
    return None
