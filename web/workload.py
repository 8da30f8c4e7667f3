"""The home page's workload: for each role the few numbers that are its day's work, each
counted through the very queue (and filters) its link opens, so the number and the list agree.

agent: cases received at their office today, and those assigned to them; area staff: their
area's unassigned cases, and their own; supervisors and administrators: at risk and overdue in
their scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .forms import received_range
from .queues import QUEUES, queue_cases, queues_for
from .roles import user_role


@dataclass(frozen=True)
class WorkloadItem:
    key: str
    label: Any
    help: Any
    count: int
    url: str


@dataclass(frozen=True)
class _Spec:
    key: str
    queue: str
    label: Any
    help: Any
    today: bool = False  # only the cases received today (local date)


_TODAY_AT_OFFICE = _Spec(
    "office_today",
    "office",
    _("Registrados hoy en su oficina"),
    _("Casos recibidos hoy en su oficina que siguen abiertos."),
    today=True,
)
_MINE = _Spec(
    "mine",
    "mine",
    _("Asignados a usted"),
    _("Casos abiertos a su cargo, de cualquier oficina o área."),
)
_AREA_UNASSIGNED = _Spec(
    "area_unassigned",
    "unassigned",
    _("Sin asignar en su área"),
    _("Casos abiertos de su área que nadie ha tomado."),
)
_AT_RISK = _Spec(
    "at_risk",
    "at_risk",
    _("En riesgo"),
    _("Casos abiertos que pasaron el aviso de su plazo, en lo que usted supervisa."),
)
_BREACHED = _Spec(
    "breached",
    "breached",
    _("Vencidos"),
    _("Casos abiertos con el plazo vencido, en lo que usted supervisa."),
)

WORKLOAD_BY_ROLE: dict[str, tuple[_Spec, ...]] = {
    Role.AGENT: (_TODAY_AT_OFFICE, _MINE),
    Role.AREA_STAFF: (_AREA_UNASSIGNED, _MINE),
    Role.SUPERVISOR: (_AT_RISK, _BREACHED),
    Role.ADMIN: (_AT_RISK, _BREACHED),
}


def workload_for(user: Any, now: dt.datetime) -> list[WorkloadItem]:
    """The user's workload numbers (one count query each) with the queue link behind each."""
    role = user_role(user)
    offered = {queue.key for queue in queues_for(user)}
    items = []
    for spec in WORKLOAD_BY_ROLE.get(role or "", ()):
        if spec.queue not in offered:  # an agent without an office has no office queue
            continue
        params = {"cola": spec.queue}
        refine: dict[str, Any] = {}
        if spec.today:
            today = timezone.localdate(now)
            params |= {"received_after": today.isoformat(), "received_before": today.isoformat()}
            refine = received_range(today, today, timezone.get_current_timezone())
        count = queue_cases(user, QUEUES[spec.queue], refine, now).count()
        url = f"{reverse('web:queue')}?{urlencode(params)}"
        items.append(WorkloadItem(spec.key, spec.label, spec.help, count, url))
    return items
