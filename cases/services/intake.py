"""Intake: a new case, in one transaction with its CREATED event (SPEC §2, §4)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import CaseKind, Service
from channels.models import Channel, Office
from contacts.arco import arco_request_record, arco_right_errors
from contacts.models import Contact
from contacts.services import ContactEditor, ContactInput, contact_upsert
from infonavit_atencion.core.errors import Conflict, FieldError, ValidationFailed
from infonavit_atencion.core.queueing import enqueue_on_commit
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_record

from ..catalog_cache import CatalogSnapshot, catalog_snapshot
from ..events import Actor, event_record
from ..folios import folio_next
from ..models import Case, CaseStatus, EventKind, Priority
from ..models.case import OPEN_STATUSES
from ..selectors.access import contacts_writable_by, identifiers_visible_to
from ..sla.policy import (
    INSTITUTIONAL_CALENDAR,
    sla_calendar_for,
    sla_policy_of,
    sla_snapshot,
    sla_state_at,
)

# Unambiguous characters (no 0/O, 1/I/L) so a code read aloud on the phone survives.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10
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


@dataclass(frozen=True)
class CaseCreateResult:
    case: Case
    warnings: list[str] = field(default_factory=list)
    contact_created: bool = False


def tracking_code_new() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


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


def _check_case_fields(data: CaseInput, service: Service) -> int:
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
    if data.anonymous and service.kind != CaseKind.REPORT:
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
    if errors:
        raise ValidationFailed(_("Revise los datos del caso."), errors=errors)
    return PRIORITY_BY_NAME[data.priority]


def _contact_editor(actor: Actor) -> ContactEditor:
    if actor.client is not None:
        label = _("Registro de caso por la API: %(client)s") % {"client": actor.client.name}
        return ContactEditor(label=label)
    return ContactEditor(user=actor.user, label=_("Registro de caso"))


def _open_case_warning(contact: Contact, service: Service, actor: Actor) -> bool:
    cases = Case.objects.filter(contact=contact, service=service, status__in=OPEN_STATUSES)
    # A client that may not read the base learns nothing of others' cases about this person.
    if actor.client is not None and not identifiers_visible_to(actor):
        cases = cases.filter(created_by_client=actor.client)
    return cases.exists()


def case_create(
    data: CaseInput,
    actor: Actor,
    now: dt.datetime,
    *,
    allow_backdating: bool = False,
    savepoint: bool = True,
) -> CaseCreateResult:
    """Register a case: validate, upsert the contact, snapshot the SLA, write CREATED.

    The case keeps the contact details it came with (its notices go there); they change the
    single contact base only when `actor` may write it (`selectors.contacts_writable_by`).

    A first-contact-resolution service given a `resolution` is created already resolved under
    its owning directorate and area and is not routed. Otherwise routing is queued on commit.
    The acknowledgement e-mail to the citizen is queued on commit for every case.

    ``savepoint=False`` when the caller's transaction rolls back whole on any error raised here
    (`idempotent_create`): no savepoints, here or in the contact upsert (issue 17). Otherwise a
    refusal rolls back only this intake.
    """
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

    with transaction.atomic(savepoint=savepoint):
        warnings: list[str] = []
        contact = None
        contact_created = False
        details = None
        if data.contact is not None:
            upsert = contact_upsert(
                data.contact,
                update=contacts_writable_by(actor),
                editor=_contact_editor(actor),
                savepoint=savepoint,
            )
            contact, contact_created, details = upsert.contact, upsert.created, upsert.details
            warnings.extend(upsert.warnings)
            # A contact created just now has no cases yet.
            if not contact_created and _open_case_warning(contact, service, actor):
                warnings.append("open_case_same_service")
        if (
            data.external_reference
            and actor.client is not None
            and Case.objects.filter(
                created_by_client=actor.client, external_reference=data.external_reference
            ).exists()
        ):
            raise Conflict(
                _("Ya existe un caso con la referencia externa «%(ref)s».")
                % {"ref": data.external_reference}
            )

        resolved = bool(data.resolution.strip())
        case = Case(
            folio=folio_next(now),
            tracking_code=tracking_code_new(),
            kind=service.kind,
            service=service,
            channel=channel,
            office=office,
            contact=contact,
            anonymous=data.anonymous,
            sealed_reporter_identity=data.sealed_reporter_identity.strip()
            if data.anonymous
            else "",
            subject=data.subject.strip(),
            description=data.description.strip(),
            priority=priority,
            status=CaseStatus.RESOLVED if resolved else CaseStatus.NEW,
            created_by_user=actor.user,
            created_by_client=actor.client,
            external_reference=data.external_reference or None,
            instrument_reference=data.instrument_reference.strip(),
            received_at=received_at,
            **snapshot.as_case_fields(),
        )
        if resolved:
            case.directorate = service.directorate
            case.area = service.area
            case.resolution = data.resolution.strip()
            case.resolved_at = now
            case.first_response_at = now
        if details is not None:
            case.contact_details_set(details)
        case.sla_state = sla_state_at(case, now)
        try:
            # No savepoint: a clash aborts the whole intake, whose transaction rolls back.
            case.save(force_insert=True)
        except IntegrityError as clash:
            if data.external_reference and actor.client is not None:
                raise Conflict(
                    _("Ya existe un caso con la referencia externa «%(ref)s».")
                    % {"ref": data.external_reference}
                ) from clash
            raise
        if service.arco_request:
            arco_request_record(case, data.arco_right)
        event_record(
            case,
            EventKind.CREATED,
            actor,
            now,
            {
                "channel": channel.code,
                "service": service.code,
                "first_contact_resolution": resolved,
            },
        )
        from ..tasks import route_case, send_acknowledgement  # local import: tasks import services

        if resolved:
            event_record(
                case,
                EventKind.STATUS_CHANGED,
                actor,
                now,
                {"action": "resolve", "from": "new", "to": "resolved"},
            )
        else:
            enqueue_on_commit(route_case, case.pk)
        webhook_event_record(case, WebhookEvent.CASE_CREATED, now)
        enqueue_on_commit(send_acknowledgement, case.pk)
    return CaseCreateResult(case, warnings, contact_created)
