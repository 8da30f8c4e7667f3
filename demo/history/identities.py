"""Synthetic citizens with valid identifiers: NSS with its Luhn digit, CURP with its RENAPO
check digit (contacts.identifiers accepts every one). Names are common Mexican names."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.mx import curp as stdnum_curp

from contacts.identifiers import validate_curp

GIVEN_NAMES = {
    "H": ("José", "Juan", "Luis", "Carlos", "Miguel", "Jorge", "Alejandro", "Francisco", "Jesús", "Roberto",
          "Ricardo", "Fernando", "Eduardo", "Manuel", "Raúl", "Sergio", "Arturo", "Óscar", "Héctor", "Daniel"),
    "M": ("María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Alejandra", "Patricia",
          "Gabriela", "Elizabeth", "Adriana", "Silvia", "Claudia", "Laura", "Martha", "Ana", "Sofía", "Isabel", "Karla"),
}  # fmt: skip
SURNAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
    "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez",
    "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez",
    "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez",
)  # fmt: skip
STATES = (
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
)  # fmt: skip
VOWELS = "AEIOU"
NSS_SPACE = 10**10
NSS_STRIDE = 7_919_001_357  # coprime with 10**10: serial → NSS body is a bijection


@dataclass
class Person:
    given_names: str
    first_surname: str
    second_surname: str
    nss: str
    curp: str
    email: str
    phone: str


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()) or "X"


def _first_internal(word: str, vowels: bool) -> str:
    for char in word[1:]:
        if (char in VOWELS) == vowels:
            return char
    return "X"


def nss_for(serial: int, salt: int) -> str:
    """A valid NSS for `serial`; distinct serials give distinct NSS under the same salt."""
    body = f"{(serial * NSS_STRIDE + salt) % NSS_SPACE:010d}"
    return body + luhn.calc_check_digit(body)


_HEAD_ALLOWED: dict[str, bool] = {}  # first four letters → not an inconvenient word


def curp_for(
    given: str,
    first: str,
    second: str,
    birth: dt.date,
    sex: str,
    state: str,
    rng: random.Random,
    lane: tuple[int, int] = (0, 1),
) -> str:
    """A CURP for the person that passes contacts.identifiers.validate_curp.

    Valid by construction (pattern, real date, state, check digit); only the inconvenient-word
    list depends on the first four letters, so each head is checked once with validate_curp.
    """
    g, f, s = _plain(given), _plain(first), _plain(second)
    vowel = _first_internal(f, vowels=True)
    consonants = _first_internal(f, False) + _first_internal(s, False) + _first_internal(g, False)
    consonants = "".join(c if c not in VOWELS else "X" for c in consonants)
    head = f"{f[0]}{vowel}{s[0]}{g[0]}"
    # Parallel generators use disjoint differentiators (lane, lanes), so their CURPs never clash.
    digit = rng.choice(range(lane[0], 10, lane[1]))
    differentiator = str(digit) if birth.year < 2000 else "ABCDEFGHIJ"[digit]
    for candidate in (head, head[0] + "X" + head[2:]):  # RENAPO's replacement for a bad word
        body = f"{candidate}{birth:%y%m%d}{sex}{state}{consonants}{differentiator}"
        number = body + stdnum_curp.calc_check_digit(body)
        if candidate not in _HEAD_ALLOWED:
            try:
                validate_curp(number)
                _HEAD_ALLOWED[candidate] = True
            except ValidationError:
                _HEAD_ALLOWED[candidate] = False
        if _HEAD_ALLOWED[candidate]:
            return number
    raise RuntimeError(f"no valid CURP for {given} {first} {second}")


def person_new(
    serial: int, salt: int, rng: random.Random, email_share: float, lane: tuple[int, int] = (0, 1)
) -> Person:
    sex = rng.choice("HM")
    given = rng.choice(GIVEN_NAMES[sex])
    first, second = rng.choice(SURNAMES), rng.choice(SURNAMES)
    birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    curp = curp_for(given, first, second, birth, sex, rng.choice(STATES), rng, lane)
    email = ""
    if rng.random() < email_share:
        email = f"{_plain(given).lower()}.{_plain(first).lower()}{serial}@example.com"
    phone = f"55{rng.randrange(10**8):08d}"
    return Person(given, first, second, nss_for(serial, salt), curp, email, phone)
