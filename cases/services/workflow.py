"""Case lifecycle (SPEC §4): one service for all the actions of the transitions table.

`case_transition` locks the row, checks the table (`cases.lifecycle`) and the caller's expected
version, applies the action (its handler in `HANDLERS`), saves with `update_fields`, bumps the
version and writes exactly one CaseEvent — all in one transaction. A refused action raises a
typed error and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.models import Area, Directorate, Service, ServiceChannel
from channels.selectors import calendar_spec_for
from contacts.arco import arco_request_set, arco_right_errors
from infonavit_atencion.core.errors import (
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)

from ..events import Actor, event_instant, event_record
from ..followups import (
    SEND_ASSIGNMENT_NOTICE,
    SEND_EXTENSION_NOTICE,
    SEND_RESOLUTION_NOTICE,
    followup_on_commit,
)
from ..lifecycle import (
    ACTIONS,
    TRANSITIONS,
    status_change,
    transition_refused,
    transition_target,
)
from ..models import Case, CaseEvent, CaseStatus, EventKind
from ..ports import CASE_STATUS_CHANGED, case_event_publish
from ..selectors.assignment import area_members
from ..sla.policy import (
    reopen_deadline,
    sla_calendar_for,
    sla_extend_for_pause,
    sla_extend_term,
    sla_policy_for,
    sla_replay,
    sla_snapshot,
    sla_state_at,
)

__all__ = ["ACTIONS", "TRANSITIONS", "TransitionInput", "case_transition"]


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


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationFailed.single(field, "required", message)
    return value.strip()


def _end_pause(case: Case, now: dt.datetime) -> dict:
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


def _area_member(case: Case, username: str):  # type: ignore[no-untyped-def]
    assert case.area_id is not None  # every status that allows `assign` has an area (DB constraint)
    user = area_members([case.area_id]).filter(username=username).first()
    if user is None:
        raise ValidationFailed.single(
            "assignee",
            "not_a_member",
            _("«%(user)s» no es personal activo del área del caso.") % {"user": username},
        )
    return user


def _transfer_target(case: Case, data: TransitionInput) -> Area:
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


def _reclassify(case: Case, data: TransitionInput) -> dict:
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


def _extend(case: Case, data: TransitionInput, now: dt.datetime) -> dict:
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
    reason = _required(
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


def _reopen_deadline(case: Case) -> dt.datetime:
    assert case.resolved_at is not None
    return reopen_deadline(calendar_spec_for(case.sla_calendar_id), case.resolved_at)


SLA_FIELDS = [
    "sla_policy",
    "sla_calendar",
    "sla_first_response_value",
    "sla_first_response_unit",
    "sla_resolution_value",
    "sla_resolution_unit",
    "sla_warn_pct",
    "sla_extension_value",
    "sla_extended_at",
    "first_response_due_at",
    "resolution_due_at",
    "warn_at",
]


PAUSE_FIELDS = {
    "first_response_due_at",
    "resolution_due_at",
    "warn_at",
    "paused_seconds",
    "paused_open_seconds",
    "paused_at",
}


@dataclass
class Step:
    """One action being applied to a locked case: what it changes and the event it writes."""

    case: Case
    data: TransitionInput
    actor: Actor
    now: dt.datetime
    fields: set[str] = field(
        default_factory=lambda: {"status", "version", "sla_state", "updated_at"}
    )
    event_kind: str = EventKind.STATUS_CHANGED
    event_data: dict = field(default_factory=dict)


def _take(step: Step) -> None:
    if step.actor.user is not None:
        step.case.assignee = step.actor.user
        step.fields.add("assignee")


def _assign(step: Step) -> None:
    case = step.case
    case.assignee = _area_member(
        case, _required(step.data.assignee or "", "assignee", _("Indique a quién se asigna."))
    )
    step.fields.add("assignee")
    step.event_kind = EventKind.ASSIGNED
    step.event_data["assignee"] = case.assignee.get_username()


def _pause(step: Step) -> None:
    step.event_data["reason"] = _required(
        step.data.reason, "reason", _("Indique el motivo de la espera.")
    )
    step.case.paused_at = step.now
    step.fields.add("paused_at")


def _resume(step: Step) -> None:
    """Nothing beyond leaving `waiting` (`_end_pause`, applied to every action that leaves it)."""


def _resolve(step: Step) -> None:
    case = step.case
    case.resolution = _required(step.data.resolution, "resolution", _("Escriba la resolución."))
    case.resolved_at = step.now
    case.first_response_at = case.first_response_at or step.now
    step.fields |= {"resolution", "resolved_at", "first_response_at"}


def _close(step: Step) -> None:
    step.case.closed_at = step.now
    step.fields.add("closed_at")


def _reopen(step: Step) -> None:
    case = step.case
    step.event_data["reason"] = _required(
        step.data.reason, "reason", _("Indique el motivo de la reapertura.")
    )
    deadline = _reopen_deadline(case)
    if step.now > deadline:
        raise InvalidTransition(
            _("El plazo para reabrir el caso venció el %(date)s.")
            % {"date": deadline.date().isoformat()}
        )
    case.resolved_at = None
    case.reopen_count += 1
    step.fields |= {"resolved_at", "reopen_count"}


def _cancel(step: Step) -> None:
    step.event_data["reason"] = _required(
        step.data.reason, "reason", _("Indique el motivo de la cancelación.")
    )
    step.case.closed_at = step.now
    step.fields.add("closed_at")


def _transfer(step: Step) -> None:
    case = step.case
    step.event_data["reason"] = _required(
        step.data.reason, "reason", _("Indique el motivo de la transferencia.")
    )
    area = _transfer_target(case, step.data)
    if area.pk == case.area_id:
        raise ValidationFailed.single("area", "same_area", _("El caso ya está en esa área."))
    step.event_data.update(
        {
            "from_area": case.area.code if case.area else None,
            "to_area": area.code,
            "to_directorate": area.directorate.code,
        }
    )
    case.area = area
    case.directorate = area.directorate
    case.assignee = None
    case.transfer_count += 1
    step.fields |= {"area", "directorate", "assignee", "transfer_count"}
    step.event_kind = EventKind.TRANSFERRED


def _reclassify_step(step: Step) -> None:
    step.event_data.update(_reclassify(step.case, step.data))
    step.fields |= {"service", "kind", *SLA_FIELDS}
    step.event_kind = EventKind.RECLASSIFIED


def _extend_step(step: Step) -> None:
    step.event_data.update(_extend(step.case, step.data, step.now))
    step.fields |= {"resolution_due_at", "warn_at", "sla_extended_at"}
    step.event_kind = EventKind.SLA_EXTENDED


# action → what it does to the case beyond its status (every action of TRANSITIONS has one)
HANDLERS: dict[str, Callable[[Step], None]] = {
    "take": _take,
    "assign": _assign,
    "pause": _pause,
    "resume": _resume,
    "resolve": _resolve,
    "close": _close,
    "reopen": _reopen,
    "cancel": _cancel,
    "transfer": _transfer,
    "reclassify": _reclassify_step,
    "extend": _extend_step,
}
# action → the e-mail that follows it, sent by a task after the commit (never inside it)
NOTICES = {
    "assign": SEND_ASSIGNMENT_NOTICE,
    "resolve": SEND_RESOLUTION_NOTICE,
    "extend": SEND_EXTENSION_NOTICE,
}


def _locked_case(folio: str) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service__area", "channel", "office", "area")
        .filter(folio=folio)
        .first()
    )
    if case is None:
        raise NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})
    return case


def case_transition(
    folio: str,
    data: TransitionInput,
    actor: Actor,
    now: dt.datetime,
    *,
    expected_version: int | None = None,
) -> Case:
    """Apply one lifecycle action to the case with this folio (see TRANSITIONS)."""
    if data.action not in TRANSITIONS:
        raise ValidationFailed.single(
            "action",
            "invalid_choice",
            _("Acción desconocida «%(action)s».") % {"action": data.action},
        )
    with transaction.atomic():
        case = _locked_case(folio)
        now = event_instant(case, now)
        if expected_version is not None and case.version != expected_version:
            raise PreconditionFailed(
                _("El caso cambió (versión %(v)s); recárguelo e intente de nuevo.")
                % {"v": case.version}
            )
        target = transition_target(data.action, case.status)
        if target is None:
            raise transition_refused(case, data.action)
        step = Step(case, data, actor, now, event_data={"action": data.action, "from": case.status})
        if case.status == CaseStatus.WAITING and target != CaseStatus.WAITING:
            step.event_data.update(_end_pause(case, now))
            step.fields |= PAUSE_FIELDS
        HANDLERS[data.action](step)
        from_status = status_change(case, data.action)
        step.event_data["to"] = case.status
        case.version += 1
        case.sla_state = sla_state_at(case, now)
        case.save(update_fields=sorted(step.fields))
        event_record(case, step.event_kind, actor, now, step.event_data)
        if case.status != from_status:
            case_event_publish(case, CASE_STATUS_CHANGED, now)
        if data.action in NOTICES:
            followup_on_commit(NOTICES[data.action], case.pk)
    return case
