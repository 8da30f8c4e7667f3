"""Password rules on top of Django's (length, common, numeric, similarity): letters with digits,
and not guessable (zxcvbn's estimate with the Instituto's own words)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn


class LettersAndDigitsValidator:
    """A password mixes letters and digits, so a long word alone is not enough."""

    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(
                _("La contraseña debe combinar letras y números."), code="password_no_mix"
            )

    def get_help_text(self) -> str:
        return _("Su contraseña debe combinar letras y números.")


# Words anyone trying passwords at the Instituto's login would try first.
INSTITUTE_WORDS = (
    "infonavit",
    "instituto",
    "atencion",
    "cesi",
    "delegacion",
    "derechohabiente",
    "acreditado",
    "credito",
    "vivienda",
    "hipoteca",
    "mexico",
    "gobierno",
    "asesor",
    "supervisor",
    "contrasena",
)
MIN_SCORE = 3  # zxcvbn: 0-4; 3 means "safely unguessable" (about 10^8 guesses or more)
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the rest only adds strength


def _plain(text: str) -> str:
    """Lower case without accents, so "Atención" and "atencion" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class GuessabilityValidator:
    """Refuses what an attacker's guesses reach first: repetitions, keyboard runs, common
    passwords and words with digits added (``aaaaaaaaaaa1``, ``Infonavit2026``), the user's own
    name, and passwords made only of the Instituto's words, digits and symbols. The estimate is
    zxcvbn's (the Dropbox estimator), with the Instituto's words and the user's names added to
    its dictionaries."""

    def _user_words(self, user: Any) -> list[str]:
        if user is None:
            return []
        values = [getattr(user, name, "") for name in ("username", "first_name", "last_name")]
        values.append(str(getattr(user, "email", "") or "").partition("@")[0])
        return [_plain(str(value)) for value in values if value]

    def validate(self, password: str, user: Any = None) -> None:
        plain = _plain(password)
        own_words = [word for word in self._user_words(user) if len(word) >= 3]
        known = "|".join(
            re.escape(word)
            for word in sorted({*INSTITUTE_WORDS, *own_words}, key=len, reverse=True)
        )
        if not re.sub(r"[\W\d_]", "", re.sub(known, "", plain)):
            raise ValidationError(
                _(
                    "La contraseña no puede formarse sólo con palabras del Instituto o su nombre "
                    "de usuario y números."
                ),
                code="password_known_words",
            )
        inputs = [*INSTITUTE_WORDS, *own_words]
        estimate = zxcvbn(plain[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)
        if estimate["score"] < MIN_SCORE:
            raise ValidationError(
                _(
                    "La contraseña es fácil de adivinar: evite repeticiones, secuencias, palabras "
                    "comunes con números al final y su nombre de usuario; una frase de varias "
                    "palabras es más segura."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return _(
            "Su contraseña no debe ser fácil de adivinar (ni repeticiones, ni secuencias, ni "
            "palabras comunes o del Instituto con números)."
        )
