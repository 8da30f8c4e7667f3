"""What intake checks before it writes (SPEC §2): the input against the catalog, the reception
date, the case's fields, and the SLA snapshot. Reads only; `intake.case_create` writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalog.models import CaseKind, Service
from channels.models import Channel, Office
from contacts.arco import arco_right_errors
from contacts.services import ContactInput
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from ..catalog_cache import CatalogSnapshot, catalog_snapshot
from ..events import Actor
from ..models import Priority
from ..sla.policy import (
    INSTITUTIONAL_CALENDAR,
    SlaSnapshot,
    sla_calendar_for,
    sla_policy_of,
    sla_snapshot,
)

BACKDATING_LIMIT = dt.timedelta(days=30)
CLOCK_SKEW_TOLERANCE = dt.timedelta(seconds=5)
PRIORITY_BY_NAME = {
    "low": Priority.LOW,
    "normal": Priority.NORMAL,
    "high": Priority.HIGH,
    "urgent": Priority.URGENT,
}


@dataclass(frozen=True)
class CaseInput:
    service: str
    channel: str
    description: str
    office: str | None = None
    contact: ContactInput | None = None
    anonymous: bool = False
    sealed_reporter_identity: str = ""
    subject: str = ""
    priority: str = "normal"
    received_at: dt.datetime | None = None
    external_reference: str | None = None
    instrument_reference: str = ""
    resolution: str = ""
    # The right an ARCO request exercises (contacts.models.ArcoRight); only on ARCO services.
    arco_right: str = ""


def _service(code: str, catalog: CatalogSnapshot) -> Service:
    service = catalog.services.get(code)
    if service is None or not service.active:
        raise ValidationFailed.single(
            "service",
            "does_not_exist",
            _("El servicio «%(code)s» no existe o no está activo.") % {"code": code},
        )
    return service


def _channel(code: str, actor: Actor, catalog: CatalogSnapshot) -> Channel:
    channel = catalog.channels.get(code)
    if channel is None or not channel.active:
        raise ValidationFailed.single(
            "channel",
            "does_not_exist",
            _("El canal «%(code)s» no existe o no está activo.") % {"code": code},
        )
    if actor.client is not None and actor.client.channel_id != channel.pk:
        raise ValidationFailed.single(
            "channel",
            "channel_mismatch",
            _("Este sistema sólo puede registrar casos en su canal %(code)s.")
            % {"code": actor.client.channel.code},
        )
    return channel


def _office(code: str | None, channel: Channel, catalog: CatalogSnapshot) -> Office | None:
    if not code:
        if channel.kind == Channel.Kind.PRESENCIAL:
            raise ValidationFailed.single(
                "office", "required", _("Los casos presenciales deben indicar la oficina.")
            )
        return None
    office = catalog.offices.get(code)
    if office is None or not office.active:
        raise ValidationFailed.single(
            "office",
            "does_not_exist",
            _("La oficina «%(code)s» no existe o no está activa.") % {"code": code},
        )
    if channel.pk not in catalog.office_channels.get(office.pk, ()):
        raise ValidationFailed.single(
            "office",
            "not_served",
            _("La oficina %(office)s no atiende el canal %(channel)s.")
            % {"office": office.code, "channel": channel.code},
        )
    return office


def _received_at(
    value: dt.datetime | None, now: dt.datetime, allow_backdating: bool
) -> dt.datetime:
    if value is None:
        return now
    if value.tzinfo is None:
        raise ValidationFailed.single(
            "received_at", "naive_datetime", _("Indique la zona horaria de la fecha de recepción.")
        )
    if value > now + CLOCK_SKEW_TOLERANCE:
        raise ValidationFailed.single(
            "received_at", "future", _("La fecha de recepción no puede estar en el futuro.")
        )
    if not allow_backdating and value < now - BACKDATING_LIMIT:
        raise ValidationFailed.single(
            "received_at",
            "too_old",
            _(
                "La fecha de recepción no puede ser de hace más de 30 días sin el permiso de importación."
            ),
        )
    return value


def case_field_errors(data: CaseInput, service: Service | None) -> list[FieldError]:
    """Every refusal about the case's own fields at once (the form shows them together); the
    rules that depend on the service are skipped while no service is known."""
    errors: list[FieldError] = []
    if not data.description.strip():
        errors.append(FieldError("description", "required", _("Describa el caso.")))
    if data.priority not in PRIORITY_BY_NAME:
        errors.append(
            FieldError(
                "priority",
                "invalid_choice",
                _("Prioridad desconocida; use low, normal, high o urgent."),
            )
        )
    if service is not None and data.anonymous and service.kind != CaseKind.REPORT:
        errors.append(
            FieldError("anonymous", "not_allowed", _("Sólo una denuncia puede ser anónima."))
        )
    if not data.anonymous and data.contact is None:
        errors.append(FieldError("contact", "required", _("Indique los datos del contacto.")))
    if data.anonymous and data.contact is not None:
        errors.append(
            FieldError(
                "contact",
                "not_allowed",
                _("Una denuncia anónima no lleva contacto; use la identidad reservada."),
            )
        )
    if service is not None:
        errors.extend(_service_field_errors(data, service))
    return errors


def _service_field_errors(data: CaseInput, service: Service) -> list[FieldError]:
    errors: list[FieldError] = []
    if service.kind == CaseKind.EXCEPTIONAL and not data.instrument_reference.strip():
        errors.append(
            FieldError(
                "instrument_reference",
                "required",
                _(
                    "Un caso no previsto requiere la resolución, dictamen o recomendación que lo instruye."
                ),
            )
        )
    if data.resolution.strip() and not service.first_contact_resolution:
        errors.append(
            FieldError(
                "resolution",
                "not_allowed",
                _("Este servicio no se puede resolver en el primer contacto."),
            )
        )
    errors.extend(arco_right_errors(service, data.arco_right))
    return errors


def _check_case_fields(data: CaseInput, service: Service) -> int:
    errors = case_field_errors(data, service)
    if errors:
        raise ValidationFailed(_("Revise los datos del caso."), errors=errors)
    return PRIORITY_BY_NAME[data.priority]


@dataclass(frozen=True)
class IntakeChecked:
    """What intake settled before its transaction: catalog rows, dates, priority, SLA."""

    service: Service
    channel: Channel
    office: Office | None
    received_at: dt.datetime
    priority: int
    snapshot: SlaSnapshot


def intake_checked(
    data: CaseInput, actor: Actor, now: dt.datetime, allow_backdating: bool
) -> IntakeChecked:
    """Validate the input against the catalog and snapshot the SLA; nothing written."""
    catalog = catalog_snapshot()  # one query while the catalog does not change
    service = _service(data.service, catalog)
    channel = _channel(data.channel, actor, catalog)
    link = catalog.links.get((service.pk, channel.pk))
    if link is None or not link.active:
        raise ValidationFailed.single(
            "service",
            "not_available_on_channel",
            _("El servicio %(service)s no se ofrece en el canal %(channel)s.")
            % {"service": service.code, "channel": channel.code},
        )
    office = _office(data.office, channel, catalog)
    received_at = _received_at(data.received_at, now, allow_backdating)
    priority = _check_case_fields(data, service)
    policy = sla_policy_of(service, link)
    calendar = sla_calendar_for(
        policy, channel, office, institutional=catalog.calendar_by_code(INSTITUTIONAL_CALENDAR)
    )
    snapshot = sla_snapshot(policy, calendar, received_at, spec=catalog.calendar_spec(calendar.pk))
    return IntakeChecked(service, channel, office, received_at, priority, snapshot)
