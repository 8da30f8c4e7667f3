"""The action table of `case_transition`: for each action, what it does to the case beyond
its status (`HANDLERS`) and the e-mail that follows it (`NOTICES`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import InvalidTransition, ValidationFailed

from ..events import Actor
from ..followups import SEND_ASSIGNMENT_NOTICE, SEND_EXTENSION_NOTICE, SEND_RESOLUTION_NOTICE
from ..models import Case, EventKind
from .transition_changes import (
    TransitionInput,
    area_member,
    case_reopen_deadline,
    extend_changes,
    reclassify_changes,
    required_text,
    transfer_target,
)

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
    case.assignee = area_member(
        case, required_text(step.data.assignee or "", "assignee", _("Indique a quién se asigna."))
    )
    step.fields.add("assignee")
    step.event_kind = EventKind.ASSIGNED
    step.event_data["assignee"] = case.assignee.get_username()


def _pause(step: Step) -> None:
    step.event_data["reason"] = required_text(
        step.data.reason, "reason", _("Indique el motivo de la espera.")
    )
    step.case.paused_at = step.now
    step.fields.add("paused_at")


def _resume(step: Step) -> None:
    """Nothing beyond leaving `waiting` (`end_pause`, applied to every action that leaves it)."""


def _resolve(step: Step) -> None:
    case = step.case
    case.resolution = required_text(step.data.resolution, "resolution", _("Escriba la resolución."))
    case.resolved_at = step.now
    case.first_response_at = case.first_response_at or step.now
    step.fields |= {"resolution", "resolved_at", "first_response_at"}


def _close(step: Step) -> None:
    step.case.closed_at = step.now
    step.fields.add("closed_at")


def _reopen(step: Step) -> None:
    case = step.case
    step.event_data["reason"] = required_text(
        step.data.reason, "reason", _("Indique el motivo de la reapertura.")
    )
    deadline = case_reopen_deadline(case)
    if step.now > deadline:
        raise InvalidTransition(
            _("El plazo para reabrir el caso venció el %(date)s.")
            % {"date": deadline.date().isoformat()}
        )
    case.resolved_at = None
    case.reopen_count += 1
    step.fields |= {"resolved_at", "reopen_count"}


def _cancel(step: Step) -> None:
    step.event_data["reason"] = required_text(
        step.data.reason, "reason", _("Indique el motivo de la cancelación.")
    )
    step.case.closed_at = step.now
    step.fields.add("closed_at")


def _transfer(step: Step) -> None:
    case = step.case
    step.event_data["reason"] = required_text(
        step.data.reason, "reason", _("Indique el motivo de la transferencia.")
    )
    area = transfer_target(case, step.data)
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
    step.event_data.update(reclassify_changes(step.case, step.data))
    step.fields |= {"service", "kind", *SLA_FIELDS}
    step.event_kind = EventKind.RECLASSIFIED


def _extend_step(step: Step) -> None:
    step.event_data.update(extend_changes(step.case, step.data, step.now))
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
