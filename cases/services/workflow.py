"""Case lifecycle (SPEC §4): one service for all the actions of the transitions table.

`case_transition` locks the row, checks the table (`cases.lifecycle`) and the caller's expected
version, applies the action (its handler in `transition_steps.HANDLERS`), saves with
`update_fields`, bumps the version and writes exactly one CaseEvent — all in one transaction. A
refused action raises a typed error and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import NotFound, ValidationFailed

from ..events import Actor, event_instant, event_record
from ..followups import followup_on_commit
from ..lifecycle import (
    ACTIONS,
    TRANSITIONS,
    status_change,
    transition_refused,
    transition_target,
    version_check,
)
from ..models import Case, CaseStatus
from ..ports import CASE_STATUS_CHANGED, case_event_publish
from ..sla.policy import sla_state_at
from .transition_changes import TransitionInput, end_pause
from .transition_steps import HANDLERS, NOTICES, PAUSE_FIELDS, Step

__all__ = ["ACTIONS", "TRANSITIONS", "TransitionInput", "case_transition"]


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
        version_check(case, expected_version)
        target = transition_target(data.action, case.status)
        if target is None:
            raise transition_refused(case, data.action)
        step = Step(case, data, actor, now, event_data={"action": data.action, "from": case.status})
        if case.status == CaseStatus.WAITING and target != CaseStatus.WAITING:
            step.event_data.update(end_pause(case, now))
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
