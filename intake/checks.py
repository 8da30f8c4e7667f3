"""Everything wrong with an intake form, found in one submit and worded for the person typing.

``case_create`` stays the judge: these checks run first so the agent sees every mistake at once
(an empty service never reaches the service layer), and the domain's own field errors, when it
still refuses, are reworded here by (field, code) before they are put beside their fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.services import CaseInput, case_field_errors
from catalog.models import Service
from channels.models import Channel
from contacts.identifiers import validate_curp, validate_nss
from contacts.selectors import contact_by_identifier
from contacts.services import ContactInput
from infonavit_atencion.core.errors import FieldError

from .selectors import channel_by_code, service_by_code, service_offered_on

NAME_FIELDS = ("given_names", "first_surname")


def friendly_message(item: FieldError) -> str:
    """The domain's refusal in the words an agent at the counter understands."""
    words = {
        ("service", "required"): _("Elija un servicio."),
        ("service", "does_not_exist"): _("Elija un servicio de la lista."),
        ("service", "not_available_on_channel"): _(
            "Este servicio no se atiende por el canal elegido: elija otro servicio o cambie el canal."
        ),
        ("channel", "does_not_exist"): _("Elija un canal de la lista."),
        ("office", "does_not_exist"): _("Elija una oficina de la lista."),
        ("office", "required"): _("Elija la oficina donde se atiende al ciudadano."),
        ("office", "not_served"): _(
            "La oficina elegida no atiende este canal: elija otra oficina o cambie el canal."
        ),
        ("priority", "invalid_choice"): _("Elija una prioridad."),
    }
    return str(words.get((item.field, item.code), item.message))


def _service_errors(data: dict[str, Any]) -> tuple[Service | None, list[FieldError]]:
    code = (data.get("service") or "").strip()
    if not code:
        return None, [FieldError("service", "required", "")]
    service = service_by_code(code)
    if service is None:
        return None, [FieldError("service", "does_not_exist", "")]
    channel = channel_by_code(data.get("channel"))
    if channel is not None and not service_offered_on(service, channel):
        return service, [FieldError("service", "not_available_on_channel", "")]
    return service, []


def _office_errors(data: dict[str, Any]) -> list[FieldError]:
    channel = channel_by_code(data.get("channel"))
    if channel is not None and channel.kind == Channel.Kind.PRESENCIAL and not data.get("office"):
        return [FieldError("office", "required", "")]
    return []


def _known_contact(data: dict[str, Any]) -> bool:
    """Whether the typed NSS or CURP already names someone (no names needed then)."""
    for field, validate in (("nss", validate_nss), ("curp", validate_curp)):
        raw = (data.get(field) or "").strip()
        if not raw:
            continue
        try:
            number = validate(raw)
        except ValidationError:
            continue
        if contact_by_identifier(**{field: number}) is not None:
            return True
    return False


def _name_errors(data: dict[str, Any], typed: ContactInput | None) -> list[FieldError]:
    """A new contact needs a name and first surname (as contact_upsert asks)."""
    if data.get("anonymous") or data.get("contact_id") or typed is None or _known_contact(data):
        return []
    messages = {
        "given_names": _("Escriba el nombre o nombres."),
        "first_surname": _("Escriba el primer apellido."),
    }
    return [
        FieldError(name, "required", str(messages[name]))
        for name in NAME_FIELDS
        if not getattr(typed, name).strip()
    ]


def intake_errors(data: dict[str, Any], typed: ContactInput | None) -> list[FieldError]:
    """Every refusal the form can tell before saving. ``data`` is what the form cleaned (fields
    with their own errors missing); ``typed`` the contact typed or picked, None for none."""
    service, errors = _service_errors(data)
    errors += _office_errors(data)
    draft = CaseInput(
        service=str(data.get("service") or ""),
        channel=str(data.get("channel") or ""),
        description=str(data.get("description") or ""),
        contact=None if data.get("anonymous") else typed,
        anonymous=bool(data.get("anonymous")),
        priority=str(data.get("priority") or "normal"),
        instrument_reference=str(data.get("instrument_reference") or ""),
        resolution=str(data.get("resolution") or ""),
        arco_right=str(data.get("arco_right") or ""),
    )
    errors += case_field_errors(draft, service)
    errors += _name_errors(data, typed)
    return errors
