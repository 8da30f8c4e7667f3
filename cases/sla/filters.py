"""Filtering cases by their SLA state *now* (SPEC §6), in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q

from ..models.case import OPEN_STATUSES

# Statuses whose SLA state moves with the clock (SPEC §6): the stored `sla_state` of every other
# status is exact, because each transition stores `sla_state_at(case, now)`.
CLOCK_DRIVEN_STATUSES = ("new", "assigned", "in_progress")


def sla_state_q(
    states: Sequence[str], now: dt.datetime, statuses: Sequence[str] | None = None
) -> Q:
    """Cases whose SLA state *at `now`* is one of `states`, as `sla_state_at` computes it.

    The stored `sla_state` is exact except for open cases the clock moves on (new, assigned,
    in progress), which the SLA monitor updates only periodically; for those the state is
    derived from `warn_at` and `resolution_due_at` here, so the filter agrees with the
    `sla.state` every response prints.

    `statuses`: the status filter the caller applies too. Among the open statuses the only
    stored state is a waiting case's `paused`, so over open cases the other states need no
    stored branch — and without that OR the planner can range-scan the open cases by due
    instant (the "Vencidos" and "En riesgo" queues).
    """
    moving = Q(status__in=CLOCK_DRIVEN_STATUSES)
    open_only = statuses is not None and set(statuses) <= set(OPEN_STATUSES)
    condition = Q(pk__in=[])
    for state in states:
        stored = Q(pk__in=[]) if open_only and state != "paused" else ~moving & Q(sla_state=state)
        if state == "on_track":
            condition |= stored | (moving & Q(warn_at__gt=now))
        elif state == "at_risk":
            condition |= stored | (moving & Q(warn_at__lte=now, resolution_due_at__gte=now))
        elif state == "breached":
            condition |= stored | (moving & Q(resolution_due_at__lt=now))
        else:  # met, paused: never while the clock moves
            condition |= stored
    return condition
