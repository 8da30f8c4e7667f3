"""Shared goals (metas compartidas) and how each stands: met, at risk or missed (ADR 0009).

A target is evaluated on its metric over its period up to today (or its end, if past), for its
channel and/or directorate. With ``actual`` the metric and ``value`` the goal:

* **met**: ``actual`` is on the right side (``>= value`` for "at least", ``<= value`` for
  "at most");
* **at risk**: not met, but within 5 % of the value (``|actual − value| ≤ 0.05 × |value|``), or
  no data yet while the period has not ended;
* **missed**: otherwise (also no data for a period that has ended).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .dimensions import IndicatorFilters
from .metrics import local_date
from .models import Direction, Target

AT_RISK_TOLERANCE = Decimal("0.05")
MET, AT_RISK, MISSED = "met", "at_risk", "missed"


@dataclass(frozen=True)
class TargetResult:
    target: Target
    actual: float | None
    status: str
    evaluated_to: dt.date


def target_status(actual: float | None, value: Decimal, direction: str, period_ended: bool) -> str:
    if actual is None:
        return MISSED if period_ended else AT_RISK
    current = Decimal(str(actual))
    met = current >= value if direction == Direction.AT_LEAST else current <= value
    if met:
        return MET
    return AT_RISK if abs(current - value) <= AT_RISK_TOLERANCE * abs(value) else MISSED


def target_evaluate(target: Target, now: dt.datetime) -> TargetResult:
    from .selectors import indicators_compute  # selectors re-export this module

    today = local_date(now)
    until = min(target.date_to, today)
    actual = None
    if target.date_from <= until:
        filters = IndicatorFilters(
            channel=frozenset({target.channel_id}) if target.channel_id else None,
            directorate=frozenset({target.directorate_id}) if target.directorate_id else None,
        )
        rows = indicators_compute(target.date_from, until, (), filters, now=now).rows
        actual = rows[0][target.metric] if rows else None
    status = target_status(
        actual, target.value, target.direction, period_ended=target.date_to < today
    )
    return TargetResult(target, actual, status, until)


def targets_evaluated(
    *,
    now: dt.datetime,
    channel: str | None = None,
    directorate: str | None = None,
    metric: str | None = None,
    include_inactive: bool = False,
) -> list[TargetResult]:
    """Every (active) target, optionally of one channel, directorate or metric, evaluated."""
    targets = Target.objects.select_related("channel", "directorate").order_by(
        "-date_from", "metric", "id"
    )
    if not include_inactive:
        targets = targets.filter(active=True)
    if channel:
        targets = targets.filter(channel__code=channel)
    if directorate:
        targets = targets.filter(directorate__code=directorate)
    if metric:
        targets = targets.filter(metric=metric)
    return [target_evaluate(target, now) for target in targets]
