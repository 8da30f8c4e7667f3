"""Applying a macro (catalog.Macro) to a case: a prepared response in one click.

`case_macro_apply` does, in one transaction and in this order, what the macro says: the comment
(public or internal) through `comment_add`, the priority through `case_update`, the status
action (resolve with the macro's text as the resolution, or pause with its reason) through
`case_transition` — each writing its own event — and then one `macro_applied` event naming the
macro and what it did. Everything is checked before the first write: a macro of another service,
an action the case's status or the user's role does not allow, or a stale version is refused
and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Macro, MacroAction
from infonavit_atencion.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
)

from ..events import Actor, event_instant, event_record
from ..lifecycle import transition_target, version_check
from ..models import Case, EventKind
from ..models.case import PRIORITY_NAMES
from ..selectors.access import cases_visible_to, may_act
from .content import FINAL_STATUSES, comment_add
from .edit import CaseChanges, case_update
from .workflow import TransitionInput, case_transition


@dataclass(frozen=True)
class MacroApplied:
    """The case after the macro, the macro, and what it did (the `macro_applied` event's data)."""

    case: Case
    macro: Macro
    done: dict[str, Any]


def _macro_for(case: Case, macro_id: int) -> Macro:
    """An active macro of the case's service; any other is "not found" for this case."""
    macro = Macro.objects.filter(pk=macro_id, service_id=case.service_id, active=True).first()
    if macro is None:
        raise NotFound(_("Esa macro no existe o no corresponde al servicio de este caso."))
    return macro


def _check(case: Case, macro: Macro, actor: Actor, expected_version: int | None) -> None:
    version_check(case, expected_version)
    if case.status in FINAL_STATUSES:
        raise InvalidTransition(
            _("El caso está «%(status)s»; ya no admite macros.")
            % {"status": case.get_status_display()},
            extra={"case_status": case.status},
        )
    if not macro.action:
        return
    if not may_act(actor, macro.action):
        raise PermissionDenied(
            _("Su rol no permite «%(action)s»; no puede aplicar la macro «%(macro)s».")
            % {"action": MacroAction(macro.action).label, "macro": macro.title}
        )
    if transition_target(macro.action, case.status) is None:
        raise InvalidTransition(
            _(
                "La macro «%(macro)s» no puede aplicarse: un caso «%(status)s» no admite "
                "«%(action)s». No se hizo ningún cambio."
            )
            % {
                "macro": macro.title,
                "status": case.get_status_display(),
                "action": MacroAction(macro.action).label,
            },
            extra={"action": macro.action, "case_status": case.status},
        )


def _transition_input(macro: Macro) -> TransitionInput:
    if macro.action == MacroAction.RESOLVE:
        return TransitionInput(action="resolve", resolution=macro.body)
    return TransitionInput(action="pause", reason=macro.pause_reason)


def case_macro_apply(
    folio: str,
    macro_id: int,
    actor: Actor,
    now: dt.datetime,
    *,
    expected_version: int | None = None,
) -> MacroApplied:
    """Apply macro `macro_id` to the case with this folio, which `actor` must see (else 404)."""
    with transaction.atomic():
        case = (
            cases_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("service")
            .filter(folio=folio)
            .first()
        )
        if case is None:
            raise NotFound(_("No existe el caso %(folio)s.") % {"folio": folio})
        macro = _macro_for(case, macro_id)
        _check(case, macro, actor, expected_version)
        comment = comment_add(folio, macro.body, macro.public, actor, now)
        done: dict[str, Any] = {
            "macro": macro.pk,
            "title": macro.title,
            "comment": comment.pk,
            "public": macro.public,
        }
        if macro.priority and macro.priority != PRIORITY_NAMES[case.priority]:
            case_update(folio, CaseChanges(priority=macro.priority), actor, now)
            done["priority"] = macro.priority
        if macro.action:
            case_transition(folio, _transition_input(macro), actor, now)
            done["action"] = macro.action
        case = Case.objects.select_related("service").get(pk=case.pk)
        event_record(case, EventKind.MACRO_APPLIED, actor, event_instant(case, now), done)
    return MacroApplied(case, macro, done)
