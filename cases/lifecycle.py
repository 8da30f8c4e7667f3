"""The allowed-transitions table (SPEC §4): every status change a case makes is one of these.

`TRANSITIONS` holds the actions people and API clients take (`services.workflow.case_transition`
applies them); `SYSTEM_TRANSITIONS` the two the system makes on its own: routing a new case
(`routing.engine.case_route`) and resolving it at intake, on the first contact
(`services.intake.case_create`, whose event records the action `resolve`). `status_change` is the
one place a case's status is set; `timeline_check` replays timelines through the same table.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import InvalidTransition, PreconditionFailed

from .models import Case

# action → (statuses it is allowed from, status it leads to or None to keep the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "take": (frozenset({"assigned"}), "in_progress"),
    "assign": (frozenset({"assigned", "in_progress", "waiting"}), None),
    "pause": (frozenset({"in_progress"}), "waiting"),
    "resume": (frozenset({"waiting"}), "in_progress"),
    "resolve": (frozenset({"assigned", "in_progress"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved"}), "in_progress"),
    "cancel": (frozenset({"new", "assigned", "in_progress", "waiting"}), "cancelled"),
    "transfer": (frozenset({"assigned", "in_progress", "waiting"}), "assigned"),
    "reclassify": (frozenset({"new", "assigned", "in_progress", "waiting"}), None),
    # The one extension of a legal term (ARCO, access to information, some trámites): told to
    # the titular before the term runs out (docs/adr/0011).
    "extend": (frozenset({"assigned", "in_progress", "waiting"}), None),
}
ACTIONS = tuple(TRANSITIONS)

ROUTE = "route"
RESOLVE_AT_INTAKE = "resolve_at_intake"
SYSTEM_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    ROUTE: (frozenset({"new"}), "assigned"),
    RESOLVE_AT_INTAKE: (frozenset({"new"}), "resolved"),
}
LIFECYCLE = {**TRANSITIONS, **SYSTEM_TRANSITIONS}


def transition_target(action: str, status: str) -> str | None:
    """The status `action` leads to from `status` (the same one for an action that keeps it), or
    None when the table does not allow it."""
    allowed_from, to_status = LIFECYCLE[action]
    if status not in allowed_from:
        return None
    return to_status or status


def transition_refused(case: Case, action: str) -> InvalidTransition:
    """The error for an action the table does not allow from the case's status."""
    return InvalidTransition(
        _("No se puede «%(action)s» un caso en estado «%(status)s».")
        % {"action": action, "status": case.get_status_display()},
        extra={"action": action, "case_status": case.status},
    )


def status_change(case: Case, action: str) -> str:
    """Set the status `action` leads to on `case` (locked by the caller, saved by it); the status
    it had. Refuses what the table does not allow (`InvalidTransition`), changing nothing."""
    target = transition_target(action, case.status)
    if target is None:
        raise transition_refused(case, action)
    previous, case.status = case.status, target
    return previous


def version_check(case: Case, expected_version: int | None) -> None:
    """Refuse (412) an action taken on a version of the case that is no longer the current one."""
    if expected_version is not None and case.version != expected_version:
        raise PreconditionFailed(
            _("El caso cambió (versión %(v)s); recárguelo e intente de nuevo.")
            % {"v": case.version}
        )
