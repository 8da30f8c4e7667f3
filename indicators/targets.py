"""Shared goals (metas compartidas) and how each stands: met, at risk or missed (ADR 0009).

A target is evaluated on its metric over its period up to today (or its end, if past), for its
channel and/or directorate. With ``actual`` the metric and ``value`` the goal:

* **met**: ``actual`` is on the right side (``>= value`` for "at least", ``<= value`` for
  "at most");
* **at risk**: not met, but within 5 % of the value (``|actual − value| ≤ 0.05 × |value|``), or
  no data yet while the period has not ended;
* **missed**: otherwise (also no data for a period that has ended).

The evaluation reads the metric, so it lives with the other reads:
``indicators.selectors.target_evaluate`` and ``targets_evaluated``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

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
