"""Work queues of the browser application, each a fixed set of
`cases.selectors.filters.CaseFilters`.

Every queue is a view of `case_list_for` (and so of `cases_visible_to`): a queue narrows what
the user may see, it never widens it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from cases.events import Actor
from cases.models import Case
from cases.models.case import OPEN_STATUSES
from cases.selectors.filters import CaseFilters
from cases.selectors.lists import case_list_for

from .roles import user_profile, user_role

# Ordering choices of the queue page: key → ordering the keyset pagination understands.
ORDERINGS: dict[str, tuple[str, Any]] = {
    "due": ("resolution_due_at", _("Vence primero")),
    "-due": ("-resolution_due_at", _("Vence al último")),
    "-received": ("-received_at", _("Recibidos recientes")),
    "received": ("received_at", _("Recibidos antiguos")),
    "-priority": ("-priority", _("Mayor prioridad")),
}
DEFAULT_ORDERING = "due"
PAGE_SIZE = 25
QUEUE_ROW_RELATIONS = ("service", "channel", "area", "assignee")


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    # Which users get this queue (by role and placement).
    offered: Callable[[Any], bool]
    # The queue's own filters for this user (before the user's filters are applied).
    base: Callable[[Any], CaseFilters]
    # What the queue holds, in one sentence under its title.
    description: Any = ""
    # Columns the queue makes redundant ("area", "assignee"): "Mi área" needs no area column.
    hides: frozenset[str] = frozenset()
    # Work queues put what falls due first on top; "all" (closed cases too) the newest, which
    # its index serves at any volume.
    default_ordering: str = DEFAULT_ORDERING


def _open(**kwargs: Any) -> CaseFilters:
    return CaseFilters(status=OPEN_STATUSES, **kwargs)


def _has_area(user: Any) -> bool:
    profile = user_profile(user)
    return profile is not None and profile.area_id is not None


def _has_office(user: Any) -> bool:
    profile = user_profile(user)
    return profile is not None and profile.office_id is not None


def _area_code(user: Any) -> list[str]:
    profile = user_profile(user)
    assert profile is not None and profile.area is not None
    return [profile.area.code]


def _office_code(user: Any) -> list[str]:
    profile = user_profile(user)
    assert profile is not None and profile.office is not None
    return [profile.office.code]


def _any(user: Any) -> bool:
    return user_role(user) is not None


def _overseer(user: Any) -> bool:
    return user_role(user) in (Role.SUPERVISOR, Role.ADMIN)


QUEUES: dict[str, Queue] = {
    queue.key: queue
    for queue in (
        Queue(
            "mine",
            _("Mis casos"),
            _any,
            lambda u: _open(assignee=[u.get_username()]),
            _(
                "Los casos abiertos asignados a usted, de cualquier oficina o área; "
                "el que vence primero, arriba."
            ),
            frozenset({"assignee"}),
        ),
        Queue(
            "area",
            _("Mi área"),
            _has_area,
            lambda u: _open(area=_area_code(u)),
            _("Los casos abiertos de su área, asignados o sin asignar."),
            frozenset({"area"}),
        ),
        Queue(
            "office",
            _("Mi oficina"),
            _has_office,
            lambda u: _open(office=_office_code(u)),
            _("Los casos abiertos registrados en su oficina, estén en el área que estén."),
        ),
        Queue(
            "unassigned",
            _("Sin asignar"),
            _any,
            lambda u: _open(unassigned=True),
            _("Los casos abiertos que nadie ha tomado, de los que usted puede ver."),
            frozenset({"assignee"}),
        ),
        Queue(
            "at_risk",
            _("En riesgo"),
            _any,
            lambda u: _open(sla_state=["at_risk"]),
            _("Los casos abiertos que pasaron el aviso de su plazo y aún no vencen."),
        ),
        Queue(
            "breached",
            _("Vencidos"),
            _any,
            lambda u: _open(sla_state=["breached"]),
            _("Los casos abiertos cuyo plazo de resolución ya venció."),
        ),
        Queue(
            "all",
            _("Todos"),
            _overseer,
            lambda u: CaseFilters(),
            _(
                "Todos los casos que usted puede ver, también resueltos, cerrados y "
                "cancelados; los más recientes, arriba."
            ),
            default_ordering="-received",
        ),
    )
}


def queues_for(user: Any) -> list[Queue]:
    return [queue for queue in QUEUES.values() if queue.offered(user)]


def default_queue_for(user: Any) -> str:
    """Area staff start on their area, agents on their office, overseers on the breached ones."""
    role = user_role(user)
    if role == Role.AREA_STAFF:
        return "area"
    if role == Role.AGENT:
        return "office"
    return "breached"


def hidden_columns(user: Any, queue: Queue) -> frozenset[str]:
    """Columns that would repeat what the queue already says: its own, and the area for area
    staff (they only see their area's cases)."""
    if user_role(user) == Role.AREA_STAFF:
        return queue.hides | {"area"}
    return queue.hides


def queue_filters(user: Any, queue: Queue, refine: dict[str, Any]) -> CaseFilters:
    """The queue's filters for `user`, refined by the filter form (`refine`: CaseFilters fields;
    a status or SLA state chosen by the user replaces the queue's own). Exports use these too."""
    filters = queue.base(user)
    changes = {name: value for name, value in refine.items() if value not in (None, "", [], ())}
    if "sla_state" in changes and filters.sla_state:
        changes.pop("sla_state")  # the at-risk and breached queues keep their SLA state
    return dataclasses.replace(filters, **changes)


def queue_cases(
    user: Any, queue: Queue, refine: dict[str, Any], now: dt.datetime
) -> QuerySet[Case]:
    """The queue's cases for `user` (see :func:`queue_filters`)."""
    filters = queue_filters(user, queue, refine)
    # The row prints four relations. Joining the selector's eight costs the planner more than
    # the page query itself on a large table (tens of ms); one small IN query per relation on
    # the page's 25 rows costs well under a millisecond each.
    return (
        case_list_for(Actor(user=user), filters, now)
        .select_related(None)
        .prefetch_related(*QUEUE_ROW_RELATIONS)
    )
