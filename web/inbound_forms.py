"""The forms of a message of "Correo por clasificar": what the agent adds to each decision.

They shape input; the rules (the service offered on CORREO, the contact's names, the case the
agent may see, a reason) stay in `inbound.triage`, whose field errors are put back beside the
fields they name (`add_application_error`), all at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from inbound.parts import SenderNames
from inbound.triage import REASON_MAX_LENGTH, NewCase
from infonavit_atencion.core.errors import ApplicationError

NEW_CONTACT = "nuevo"
# The service's field names that differ from the form's.
_FIELD_ALIASES = {"contact_id": "contact"}
DISCARD_SUGGESTIONS = (
    _("Correo no deseado (spam)"),
    _("Duplicado de otro correo"),
    _("No corresponde al Instituto"),
    _("Respuesta automática"),
)


class _ApplicationErrors(forms.Form):
    def add_application_error(self, error: ApplicationError) -> None:
        """Each field error of a refusal beside its field; the rest above the form."""
        if not error.errors:
            self.add_error(None, str(error.detail))
            return
        for item in error.errors:
            name = _FIELD_ALIASES.get(item.field, item.field.removeprefix("contact."))
            self.add_error(name if name in self.fields else None, item.message)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field is not None and field in self.fields:
            attrs = self.fields[field].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[field].id_for_label}-error"

    def _decorate(self) -> None:
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class InboundCaseForm(_ApplicationErrors):
    service = forms.ChoiceField(
        label=_("Servicio"), error_messages={"required": _("Elija el servicio del caso.")}
    )
    contact = forms.ChoiceField(label=_("Contacto"))
    given_names = forms.CharField(label=_("Nombre(s)"), required=False, max_length=120)
    first_surname = forms.CharField(label=_("Primer apellido"), required=False, max_length=120)
    second_surname = forms.CharField(label=_("Segundo apellido"), required=False, max_length=120)

    def __init__(
        self,
        data: Any = None,
        *,
        services: list[tuple[str, str]],
        contacts: list[tuple[Contact, str]],
        names: SenderNames,
    ) -> None:
        initial = {
            "given_names": names.given_names,
            "first_surname": names.first_surname,
            "second_surname": names.second_surname,
            # The sender's one known contact is the likely one; several: the agent picks.
            "contact": str(contacts[0][0].pk) if len(contacts) == 1 else NEW_CONTACT,
        }
        super().__init__(data, initial=initial)
        self.fields["service"].choices = [("", _("— Elija un servicio —")), *services]  # type: ignore[attr-defined]
        self.fields["contact"].choices = [  # type: ignore[attr-defined]
            *((str(contact.pk), label) for contact, label in contacts),
            (NEW_CONTACT, _("Registrar un contacto nuevo con los nombres de abajo")),
        ]
        self._decorate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") == NEW_CONTACT:
            for name, message in (
                ("given_names", _("Escriba el nombre o nombres.")),
                ("first_surname", _("Escriba el primer apellido.")),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        return data

    def new_case(self) -> NewCase:
        data = self.cleaned_data
        contact = data["contact"]
        return NewCase(
            service=data["service"],
            contact_id=None if contact == NEW_CONTACT else int(contact),
            given_names=data["given_names"],
            first_surname=data["first_surname"],
            second_surname=data["second_surname"],
        )


class InboundAttachForm(_ApplicationErrors):
    folio = forms.CharField(
        label=_("Folio del caso"),
        max_length=40,
        error_messages={"required": _("Indique el folio del caso.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["folio"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self._decorate()


class InboundDiscardForm(_ApplicationErrors):
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Indique por qué se descarta el correo.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["list"] = "motivos-descarte"
        self._decorate()
