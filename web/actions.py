"""Which lifecycle actions the case page offers: the status allows them (cases TRANSITIONS)
and the role does (`cases.selectors.access.ROLE_ACTIONS`: agents do not assign, transfer, reclassify or
cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.selectors.access import ROLE_ACTIONS
from cases.services import TRANSITIONS


@dataclass(frozen=True)
class ActionSpec:
    key: str
    label: Any
    # What the flash message says happened ("Caso tomado.").
    done: Any
    # Fields the form asks for (the service refuses the action without them).
    needs: tuple[str, ...] = ()
    # Destructive actions ask for confirmation before they are sent.
    confirm: Any = None
    style: str = "btn-outline-primary"


ACTION_SPECS: dict[str, ActionSpec] = {
    spec.key: spec
    for spec in (
        ActionSpec("take", _("Tomar el caso"), _("Caso tomado."), style="btn-primary"),
        ActionSpec("assign", _("Asignar"), _("Caso asignado."), needs=("assignee",)),
        ActionSpec(
            "pause",
            _("Poner en espera del ciudadano"),
            _("Caso en espera del ciudadano: el plazo se detuvo."),
            needs=("reason",),
        ),
        ActionSpec(
            "resume",
            _("Reanudar"),
            _("Caso reanudado: el plazo vuelve a correr."),
            style="btn-primary",
        ),
        ActionSpec(
            "resolve",
            _("Resolver"),
            _("Caso resuelto."),
            needs=("resolution",),
            style="btn-success",
        ),
        ActionSpec("transfer", _("Transferir"), _("Caso transferido."), needs=("area", "reason")),
        ActionSpec(
            "reclassify",
            _("Reclasificar"),
            _("Caso reclasificado."),
            needs=("service", "arco_right"),
        ),
        ActionSpec(
            "extend",
            _("Ampliar el plazo"),
            _("Plazo ampliado; se avisa al solicitante."),
            needs=("reason",),
            confirm=_("¿Ampliar el plazo? Sólo puede hacerse una vez y se avisa al solicitante."),
        ),
        ActionSpec(
            "cancel",
            _("Cancelar el caso"),
            _("Caso cancelado."),
            needs=("reason",),
            confirm=_("¿Cancelar este caso? Ya no podrá atenderse."),
            style="btn-outline-danger",
        ),
        ActionSpec("reopen", _("Reabrir"), _("Caso reabierto."), needs=("reason",)),
    )
}


def role_allows(role: str | None, action: str) -> bool:
    """The one table of what each role may do (`cases.selectors.access.ROLE_ACTIONS`)."""
    return role is not None and action in ROLE_ACTIONS.get(role, frozenset())


def _case_allows(case: Case, key: str) -> bool:
    # The extension exists only where the term admits one, and only once.
    if key == "extend":
        return bool(case.sla_extension_value) and case.sla_extended_at is None
    return True


def actions_for(case: Case, role: str | None) -> list[ActionSpec]:
    """The actions to offer on `case`, in the order of ACTION_SPECS."""
    return [
        spec
        for key, spec in ACTION_SPECS.items()
        if case.status in TRANSITIONS[key][0] and role_allows(role, key) and _case_allows(case, key)
    ]
