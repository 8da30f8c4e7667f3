"""Password rules on top of Django's (length, common, numeric, similarity)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """A password mixes letters and digits, so a long word alone is not enough."""

    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(
                _("La contraseña debe combinar letras y números."), code="password_no_mix"
            )

    def get_help_text(self) -> str:
        return _("Su contraseña debe combinar letras y números.")
