"""What a lifecycle action changes on a locked case beyond its status: the wait served, the
assignee and transfer targets it accepts, the service and terms of a reclassification, the one
extension of a term, the reopening deadline. Each refuses bad input with a typed error before
anything is saved (`case_transition` saves once, after them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.models import Area, Directorate, Service, ServiceChannel
from channels.selectors import calendar_spec_for
from contacts.arco import arco_request_set, arco_right_errors
from infonavit_atencion.core.errors import InvalidTransition, ValidationFailed

from ..models import Case, CaseEvent, EventKind
from ..selectors.assignment import area_members
from ..sla.policy import (
    reopen_deadline,
    sla_calendar_for,
    sla_extend_for_pause,
    sla_extend_term,
    sla_policy_for,
    sla_replay,
    sla_snapshot,
)


@dataclass(frozen=True)
class TransitionInput:
    action: str
    reason: str = ""
    resolution: str = ""
    assignee: str | None = None  # username
    area: str | None = None  # code
    directorate: str | None = None  # code
    service: str | None = None  # code
    arco_right: str = ""  # reclassify into an ARCO service: the right exercised


def required_text(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationFailed.single(field, "required", message)
    return value.strip()


def end_pause(case: Case, now: dt.datetime) -> dict:
    """Leaving `waiting`: extend every target by the time spent waiting (SPEC §6)."""
    assert case.paused_at is not None
    paused_from = case.paused_at
    extension = sla_extend_for_pause(case, paused_from, now)
    case.first_response_due_at = extension.first_response_due_at
    case.resolution_due_at = extension.resolution_due_at
    case.warn_at = extension.warn_at
    case.paused_seconds += int((now - paused_from).total_seconds())
    case.paused_open_seconds += extension.open_seconds
    case.paused_at = None
    return {
        "paused_from": paused_from.isoformat(),
        "paused_to": now.isoformat(),
        "paused_open_seconds": extension.open_seconds,
    }


def area_member(case: Case, username: str):  # type: ignore[no-untyped-def]
    assert case.area_id is not None  # every status that allows `assign` has an area (DB constraint)
    user = area_members([case.area_id]).filter(username=username).first()
    if user is None:
        raise ValidationFailed.single(
            "assignee",
            "not_a_member",
            _("«%(user)s» no es personal activo del área del caso.") % {"user": username},
        )
    return user


def transfer_target(case: Case, data: TransitionInput) -> Area:
    if data.area:
        area = Area.objects.filter(code=data.area, active=True).first()
        if area is None:
            raise ValidationFailed.single(
                "area",
                "does_not_exist",
                _("El área «%(code)s» no existe o no está activa.") % {"code": data.area},
            )
        if data.directorate and area.directorate.code != data.directorate:
            raise ValidationFailed.single(
                "area", "wrong_directorate", _("El área no pertenece a la dirección indicada.")
            )
        return area
    if data.directorate:
        directorate = Directorate.objects.filter(code=data.directorate, active=True).first()
        if directorate is None:
            raise ValidationFailed.single(
                "directorate",
                "does_not_exist",
                _("La dirección «%(code)s» no existe.") % {"code": data.directorate},
            )
        default = case.service.area
        if default.directorate_id == directorate.pk and default.pk != case.area_id:
            return default
        others = Area.objects.filter(directorate=directorate, active=True).order_by("code")
        area = (
            others.exclude(pk=case.area_id).first() if case.area_id is not None else others.first()
        )
        if area is None:
            raise ValidationFailed.single(
                "directorate", "no_area", _("La dirección no tiene otra área activa.")
            )
        return area
    raise ValidationFailed.single(
        "area", "required", _("Indique el área o la dirección a la que se transfiere.")
    )


def reclassify_changes(case: Case, data: TransitionInput) -> dict:
    service = (
        Service.objects.select_related("sla_policy")
        .filter(code=data.service or "", active=True)
        .first()
    )
    if service is None:
        raise ValidationFailed.single(
            "service", "does_not_exist", _("Indique un servicio activo del catálogo.")
        )
    if not ServiceChannel.objects.filter(
        service=service, channel_id=case.channel_id, active=True
    ).exists():
        raise ValidationFailed.single(
            "service",
            "not_available_on_channel",
            _("El servicio no se ofrece en el canal del caso."),
        )
    if case.anonymous and service.kind != "report":
        raise ValidationFailed.single(
            "service",
            "anonymous_report",
            _("Una denuncia anónima sólo puede reclasificarse a otro servicio de denuncia."),
        )
    arco_errors = arco_right_errors(service, data.arco_right)
    if arco_errors:
        raise ValidationFailed(arco_errors[0].message, errors=arco_errors)
    previous = case.service.code
    was_extended = case.sla_extended_at is not None
    policy = sla_policy_for(service, case.channel)
    snapshot = sla_snapshot(
        policy, sla_calendar_for(policy, case.channel, case.office), case.received_at
    )
    for name, value in snapshot.as_case_fields().items():
        setattr(case, name, value)
    case.service = service
    case.kind = service.kind
    # Waits already served still extend the recomputed terms; so does a granted extension,
    # if the new service's term admits one.
    history = list(
        CaseEvent.objects.filter(case=case)
        .filter(Q(data__has_key="paused_from") | Q(kind=EventKind.SLA_EXTENDED))
        .order_by("at", "id")
    )
    extension_kept = sla_replay(case, history)
    # Named apart from the event's status pair ("from"/"to"), like a transfer's areas.
    result: dict = {"from_service": previous, "to_service": service.code}
    if was_extended and not extension_kept:
        case.sla_extended_at = None
        result["extension_dropped"] = True
    if service.arco_request:
        result["arco_right"] = arco_request_set(case, data.arco_right).right
    return result


def extend_changes(case: Case, data: TransitionInput, now: dt.datetime) -> dict:
    """Push the resolution due back by the policy's one extension (SPEC §6 clock, ADR 0011)."""
    refused = None
    if not case.sla_extension_value:
        refused = _("El plazo de este servicio no admite ampliación.")
    elif case.sla_extended_at is not None:
        refused = _("El plazo ya se amplió una vez; sólo se permite una ampliación.")
    else:
        # A case in waiting has its clock stopped: its due is where the wait so far pushes it.
        due = case.resolution_due_at
        if case.paused_at is not None:
            due = sla_extend_for_pause(case, case.paused_at, now).resolution_due_at
        if now > due:
            refused = _("El plazo ya venció; la ampliación debe notificarse antes del vencimiento.")
    if refused is not None:
        raise InvalidTransition(refused, extra={"action": "extend", "case_status": case.status})
    reason = required_text(
        data.reason,
        "reason",
        _("Indique el motivo de la ampliación; se le comunica al solicitante."),
    )
    previous = case.resolution_due_at
    extension = sla_extend_term(case)
    case.resolution_due_at, case.warn_at = extension.resolution_due_at, extension.warn_at
    case.sla_extended_at = now
    return {
        "reason": reason,
        "extension": {"value": case.sla_extension_value, "unit": case.sla_resolution_unit},
        "from_due": previous.isoformat(),
        "to_due": case.resolution_due_at.isoformat(),
    }


def case_reopen_deadline(case: Case) -> dt.datetime:
    assert case.resolved_at is not None
    return reopen_deadline(calendar_spec_for(case.sla_calendar_id), case.resolved_at)
