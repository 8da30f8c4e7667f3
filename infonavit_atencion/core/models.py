"""Shared model bases. No domain logic lives here."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        abstract = True


# Codes identify reference rows in the API, in data files and between systems.
CODE_REGEX = r"^[A-Z0-9_]+$"


def code_field(**kwargs: object) -> models.CharField:
    return models.CharField(
        _("clave"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(CODE_REGEX, _("Use mayúsculas, dígitos y guion bajo (A-Z, 0-9, _)."))
        ],
        **kwargs,  # type: ignore[arg-type]
    )
