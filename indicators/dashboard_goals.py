"""The shared goals (metas compartidas) on the supervisor dashboard: met, at risk or missed.

Goals are evaluated as `indicators.selectors.target_evaluate` does (its period up to today, its
channel and/or directorate, `target_status`), but those that share a period and a kind of cut
are read from one grouped `indicators_compute`, so a board with many goals stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infonavit_atencion.core.spanish_dates import short_date

from .dashboard_cells import Cell, DashboardQuery, DrillLinks, DrillQuery, metric_label, number_text
from .metrics import COUNT_METRICS, local_date
from .models import Direction, Target
from .selectors import Pending, indicators_compute
from .targets import AT_RISK, MET, MISSED, TargetResult, target_status

# Status of a shared goal: text, Bootstrap pair with AA contrast, icon (never colour alone).
TARGET_STATUS: dict[str, tuple[Any, str, str]] = {
    MET: (gettext_lazy("Cumplida"), "text-bg-success", "bi-check-circle-fill"),
    AT_RISK: (gettext_lazy("En riesgo"), "text-bg-warning", "bi-exclamation-triangle-fill"),
    MISSED: (gettext_lazy("Incumplida"), "text-bg-danger", "bi-x-circle-fill"),
}


@dataclass(frozen=True)
class TargetLine:
    name: str
    metric: str
    applies_to: str
    period: str
    goal: str
    actual: Cell
    status: str
    status_label: str
    css: str
    icon: str


def targets_evaluated_together(
    targets: Iterable[Target], now: dt.datetime, pending: Pending | None = None
) -> list[TargetResult]:
    """`indicators.selectors.target_evaluate` for many goals at once: the goals that share a
    period and a kind of cut (channel, directorate, both or neither) are read from one
    `indicators_compute` grouped by that cut, instead of one computation per goal. ``pending``:
    the board's live correction (`indicators.freshness`); None for the full, exact one."""
    today = local_date(now)
    tables: dict[tuple, dict[tuple, dict]] = {}
    results = []
    for target in targets:
        until = min(target.date_to, today)
        actual = None
        if target.date_from <= until:
            cut = {}
            if target.channel is not None:
                cut["channel"] = target.channel.code
            if target.directorate is not None:
                cut["directorate"] = target.directorate.code
            key = (target.date_from, until, tuple(cut))
            if key not in tables:
                rows = indicators_compute(
                    target.date_from, until, list(cut), now=now, pending=pending
                ).rows
                tables[key] = {tuple(row[name] for name in cut): row for row in rows}
            row = tables[key].get(tuple(cut.values()))
            actual = row[target.metric] if row else None
        ended = target.date_to < today
        status = target_status(actual, target.value, target.direction, period_ended=ended)
        results.append(TargetResult(target, actual, status, until))
    return results


def target_lines(
    query: DashboardQuery, now: dt.datetime, links: DrillLinks, pending: Pending | None = None
) -> list[TargetLine]:
    """Active goals whose period overlaps the board's (of the chosen channel, if one is)."""
    targets = Target.objects.filter(
        active=True, date_from__lte=query.date_to, date_to__gte=query.date_from
    ).select_related("channel", "directorate")
    if query.channel:
        targets = targets.filter(channel__code=query.channel)
    lines = []
    ordered = targets.order_by("date_from", "metric", "id")
    for result in targets_evaluated_together(ordered, now, pending):
        target = result.target
        channel = target.channel.code if target.channel else ""
        directorate = target.directorate.code if target.directorate else ""
        url = None
        if result.actual is not None:
            url = links.url(
                DrillQuery(
                    target.metric, target.date_from, result.evaluated_to, channel, directorate
                )
            )
        applies = [target.channel.name if target.channel else _("Todos los canales")]
        if target.directorate:
            applies.append(target.directorate.name)
        sign = "≥" if target.direction == Direction.AT_LEAST else "≤"
        goal: int | float = float(target.value)
        if target.metric in COUNT_METRICS and target.value == target.value.to_integral_value():
            goal = int(target.value)
        label, css, icon = TARGET_STATUS[result.status]
        lines.append(
            TargetLine(
                name=target.name,
                metric=metric_label(target.metric),
                applies_to=" · ".join(applies),
                period=_("%(start)s a %(end)s")
                % {
                    "start": short_date(target.date_from),
                    "end": short_date(target.date_to),
                },
                goal=f"{sign} {number_text(target.metric, goal)}",
                actual=Cell(
                    target.metric,
                    result.actual,
                    number_text(target.metric, result.actual),
                    url,
                    metric_label(target.metric),
                ),
                status=result.status,
                status_label=str(label),
                css=css,
                icon=icon,
            )
        )
    return lines
