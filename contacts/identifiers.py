"""Validation of the Mexican identifiers a contact carries: NSS, CURP and RFC.

The formats and check-digit algorithms are in the domain reference, domain.md §3. The
functions here only look at the text; they do not access the database and do not call `now()`.
Each validator returns the normalized value, which is the value to store. A refusal raises Django's
`ValidationError` with a stable `code` (see `ERROR_MESSAGES`).

Normalization (all three): Unicode NFKC, so full-width characters pasted from PDFs become
ASCII and a decomposed "Ñ" is composed again, then whitespace and hyphens are removed. CURP and
RFC are also upper-cased.

Decisions:

* NSS: the check digit is plain Luhn over the 11 digits (`stdnum.luhn`). Only ASCII digits are
  accepted.
* CURP: the pattern is the RENAPO one from domain.md §3.2. It is stricter than `stdnum.mx.curp`:
  character 2 must be a vowel or X, and characters 14-16 must be consonants. A wrong sex letter
  is `curp_format`. An unknown state code has its own code, `curp_state`. A date that does not
  exist is `curp_birth_date`; the century comes from the differentiator (character 17, a digit
  means 1900s and a letter means 2000s).
  "Palabras inconvenientes": RENAPO never issues a CURP whose first four letters form one of
  these words (it replaces the second letter with X). The list in stdnum matches the Instructivo
  Normativo. So these CURPs are refused with their own code, `curp_inconvenient_word`: the
  most likely cause is a typing mistake.
* RFC: length, pattern, date and inconvenient words (stdnum's list, personas físicas only) are
  errors. The homoclave is only advisory, because about 1.5 % of the RFCs in use fail the check
  digit (domain.md §3.3). A wrong check digit gives the warning `rfc_check_digit`. Homoclave
  characters that the SAT does not assign (0 among the first two, or a first character after V)
  give `rfc_homoclave`. Neither warning refuses the RFC. The 10-character form without
  homoclave is accepted with no warning. The check is explicit instead of mapping the
  exceptions of `validate(number, validate_check_digits=True)`, because that call stops at the
  first problem and raises the same `InvalidComponent` for a bad date, a bad word and a bad
  homoclave.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum import luhn
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django_stubs_ext import StrOrPromise


def gettext_noop(message: str) -> str:
    """Mark `message` for makemessages without translating it.

    Django's own gettext_noop reads settings.USE_I18N, so it cannot run at import time when no
    settings are configured. makemessages finds this one by its name.
    """
    return message


# The es-MX source text of every refusal, by code. It is marked with gettext_noop so that
# makemessages extracts it. It is translated lazily when an error is raised.
ERROR_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "nss_format": gettext_noop("El NSS debe tener 11 dígitos."),
        "nss_check_digit": gettext_noop(
            "El dígito verificador del NSS no es correcto; revise que esté bien escrito."
        ),
        "curp_length": gettext_noop("La CURP debe tener 18 caracteres."),
        "curp_format": gettext_noop(
            "La CURP no tiene el formato correcto: cuatro letras, fecha de nacimiento (AAMMDD), "
            "sexo (H o M), entidad de nacimiento, tres consonantes, diferenciador y dígito "
            "verificador."
        ),
        "curp_inconvenient_word": gettext_noop(
            "Las primeras cuatro letras de la CURP forman una palabra que RENAPO no asigna; "
            "revise que esté bien escrita."
        ),
        "curp_birth_date": gettext_noop("La fecha de nacimiento de la CURP no existe."),
        "curp_state": gettext_noop("La clave de la entidad de nacimiento de la CURP no es válida."),
        "curp_check_digit": gettext_noop(
            "El dígito verificador de la CURP no es correcto; revise que esté bien escrita."
        ),
        "rfc_length": gettext_noop(
            "El RFC debe tener 13 caracteres (persona física), 10 si no incluye homoclave, "
            "o 12 (persona moral)."
        ),
        "rfc_format": gettext_noop(
            "El RFC no tiene el formato correcto: letras del nombre, fecha (AAMMDD) y homoclave."
        ),
        "rfc_inconvenient_word": gettext_noop(
            "Las primeras cuatro letras del RFC forman una palabra que el SAT no asigna; "
            "revise que esté bien escrito."
        ),
        "rfc_birth_date": gettext_noop("La fecha del RFC (AAMMDD) no existe."),
    }
)

# The es-MX source text of every RFC warning, by code. Use `rfc_warning_message()` to display.
RFC_WARNING_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "rfc_check_digit": gettext_noop(
            "El dígito verificador del RFC no coincide. Puede ser un error de captura o uno de "
            "los RFC vigentes con dígito irregular; confírmelo con la constancia de situación "
            "fiscal."
        ),
        "rfc_homoclave": gettext_noop(
            "La homoclave del RFC tiene caracteres que el SAT no suele asignar; confírmela con "
            "la constancia de situación fiscal."
        ),
    }
)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")

_NSS = re.compile(r"[0-9]{11}")

# domain.md §3.2, with the date, the state and the check digit left to dedicated checks so that
# each mistake gets its own code.
_CURP = re.compile(r"[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HM][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]")
# fmt: off
_CURP_STATES: Final = frozenset({
    "AS", "BC", "BS", "CC", "CH", "CL", "CM", "CS", "DF", "DG", "GR",
    "GT", "HG", "JC", "MC", "MN", "MS", "NE", "NL", "NT", "OC", "PL",
    "QR", "QT", "SL", "SP", "SR", "TC", "TL", "TS", "VZ", "YN", "ZS",
})
# fmt: on

# Same shape as stdnum.mx.rfc: the homoclave is only advisory (see the module docstring).
_RFC_FISICA = re.compile(r"[A-ZÑ&]{4}[0-9]{6}(?:[0-9A-Z]{3})?")
_RFC_MORAL = re.compile(r"[A-ZÑ&]{3}[0-9]{6}[0-9A-Z]{3}")
_RFC_HOMOCLAVE = re.compile(r"[1-9A-V][1-9A-Z]")


@dataclass(frozen=True)
class RfcResult:
    """A valid RFC (normalized) and the codes of its warnings (see `RFC_WARNING_MESSAGES`)."""

    value: str
    warnings: tuple[str, ...] = ()


def _invalid(code: str) -> ValidationError:
    return ValidationError(_(ERROR_MESSAGES[code]), code=code)


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))


def _date_from_yymmdd(digits: str, century: int) -> date | None:
    """The date written as AAMMDD in `digits`, in `century` (1900 or 2000), if it exists."""
    try:
        return date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None


# --- NSS ---------------------------------------------------------------------------------------


def normalize_nss(value: str) -> str:
    """The NSS without spaces or hyphens ("9291 908 4431" -> "92919084431")."""
    return _compact(value)


def validate_nss(value: str) -> str:
    """Return the normalized NSS or raise ValidationError (`nss_format`, `nss_check_digit`)."""
    number = normalize_nss(value)
    if not _NSS.fullmatch(number):
        raise _invalid("nss_format")
    if not luhn.is_valid(number):
        raise _invalid("nss_check_digit")
    return number


# --- CURP --------------------------------------------------------------------------------------


def _curp_birth_date(number: str) -> date | None:
    century = 1900 if number[16].isdigit() else 2000
    return _date_from_yymmdd(number[4:10], century)


def curp_birth_date(curp: str | None) -> date | None:
    """The birth date a (normalized) CURP carries, or None."""
    if not curp or len(curp) != 18:
        return None
    return _curp_birth_date(curp)


def validate_curp(value: str) -> str:
    """Return the normalized CURP or raise ValidationError.

    Codes, in the order they are checked: `curp_length`, `curp_format`, `curp_birth_date`,
    `curp_state`, `curp_inconvenient_word`, `curp_check_digit`.
    """
    number = _compact(value).upper()
    if len(number) != 18:
        raise _invalid("curp_length")
    if not _CURP.fullmatch(number):
        raise _invalid("curp_format")
    if _curp_birth_date(number) is None:
        raise _invalid("curp_birth_date")
    if number[11:13] not in _CURP_STATES:
        raise _invalid("curp_state")
    try:
        return stdnum_curp.validate(number)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise _invalid("curp_check_digit") from exc
    except stdnum_exceptions.InvalidComponent as exc:
        # Date, sex and state were checked above, so the inconvenient-word list is the only
        # component stdnum 2.2 can still refuse.
        raise _invalid("curp_inconvenient_word") from exc
    except stdnum_exceptions.ValidationError as exc:
        raise _invalid("curp_format") from exc


def birth_date_from_curp(curp: str) -> date:
    """The birth date in a CURP. The century comes from the differentiator (character 17): a
    digit means 1900s and a letter means 2000s. Raises ValidationError if the CURP is invalid."""
    number = validate_curp(curp)
    birth_date = _curp_birth_date(number)
    if birth_date is None:  # pragma: no cover - validate_curp already refused it
        raise _invalid("curp_birth_date")
    return birth_date


# --- RFC ---------------------------------------------------------------------------------------


def validate_rfc(value: str) -> RfcResult:
    """Return the normalized RFC with its warnings, or raise ValidationError.

    Errors: `rfc_length`, `rfc_format`, `rfc_birth_date`, `rfc_inconvenient_word`.
    Warnings (these do not refuse the RFC): `rfc_homoclave`, `rfc_check_digit`.
    """
    number = _compact(value).upper()
    if len(number) not in (10, 12, 13):
        raise _invalid("rfc_length")
    is_moral = len(number) == 12
    if not (_RFC_MORAL if is_moral else _RFC_FISICA).fullmatch(number):
        raise _invalid("rfc_format")
    date_digits = number[3:9] if is_moral else number[4:10]
    # The RFC does not say the century. A year in the 2000s is used because every date that
    # exists in 19AA also exists in 20AA (1900 is not a leap year; 2000 is).
    if _date_from_yymmdd(date_digits, 2000) is None:
        raise _invalid("rfc_birth_date")
    try:
        number = stdnum_rfc.validate(number, validate_check_digits=False)
    except stdnum_exceptions.InvalidComponent as exc:
        # Length, pattern and date were checked above, so the inconvenient-word list is the
        # only component stdnum 2.2 can still refuse.
        raise _invalid("rfc_inconvenient_word") from exc
    except stdnum_exceptions.ValidationError as exc:
        raise _invalid("rfc_format") from exc

    warnings: list[str] = []
    if len(number) >= 12:
        if not _RFC_HOMOCLAVE.fullmatch(number[-3:-1]):
            warnings.append("rfc_homoclave")
        if number[-1] != stdnum_rfc.calc_check_digit(number[:-1]):
            warnings.append("rfc_check_digit")
    return RfcResult(value=number, warnings=tuple(warnings))


def rfc_warning_message(code: str) -> StrOrPromise:
    """The message for an RFC warning code, translated lazily."""
    return _(RFC_WARNING_MESSAGES[code])


# --- Model and form field validators ------------------------------------------------------------
# Module-level functions so that migrations can reference them. They only validate. Services
# store the normalized value returned by validate_nss / validate_curp / validate_rfc.


def nss_validator(value: str) -> None:
    validate_nss(value)


def curp_validator(value: str) -> None:
    validate_curp(value)


def rfc_validator(value: str) -> None:
    """Raise for an invalid RFC. A check-digit or homoclave warning is not an error."""
    validate_rfc(value)
