"""Forms of the contact pages: the duplicate search and the merge's reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.limits import REASON_MAX_LENGTH
from contacts.identifiers import validate_curp, validate_nss
from infonavit_atencion.core.dates import validate_supported_date


class DuplicateSearchForm(forms.Form):
    # The record to start from (the case page's link); not shown as a field.
    contacto = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    nss = forms.CharField(label=_("NSS"), required=False, max_length=20)
    curp = forms.CharField(label=_("CURP"), required=False, max_length=24)
    name = forms.CharField(
        label=_("Nombre"),
        required=False,
        max_length=200,
        help_text=_(
            "Apellido y nombre, por ejemplo «Pérez Ana»; junto con la fecha de nacimiento."
        ),
    )
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_supported_date],
    )

    def clean_nss(self) -> str:
        value = self.cleaned_data["nss"].strip()
        return validate_nss(value) if value else ""

    def clean_curp(self) -> str:
        value = self.cleaned_data["curp"].strip()
        return validate_curp(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        by_name = data.get("name", "").strip() and data.get("birth_date")
        if not (data.get("contacto") or data.get("nss") or data.get("curp") or by_name):
            raise ValidationError(
                _("Escriba un NSS, una CURP, o un nombre con su fecha de nacimiento."),
                code="empty",
            )
        return data


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la combinación"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Queda en el historial del contacto."),
    )
