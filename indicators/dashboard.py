"""The supervisor dashboard (SPEC §7): what it shows, assembled from `indicators.selectors`.

No metric arithmetic happens here: every number is a value `indicators_compute` answered (or a
target's evaluation, `indicators.targets`), formatted for es-MX, and every number carries the
address of the cases behind it (`indicators.dashboard_cells`). The drill-down (`drill_cases`) lists
`indicator_cases` for the same number, intersected with the cases the viewer may see
(`cases.selectors.access.cases_visible_to`).

What a viewer sees is cut to `indicator_scope_for(actor)`: a supervisor's office, delegación
with its Cesi, directorate or the whole country; an administrator everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.events import Actor
from cases.models import Case
from cases.selectors.access import cases_visible_to
from infonavit_atencion.core.spanish_dates import SHORT_MONTHS, short_date

from .dashboard_cells import (
    Cell,
    DashboardQuery,
    DrillLinks,
    DrillQuery,
    dashboard_url,
    export_url,
    group_names,
    metric_label,
)
from .dashboard_choices import GROUPS, Preset, period_presets
from .dashboard_goals import TargetLine, target_lines
from .dimensions import CODED, IndicatorFilters
from .freshness import Freshness, board_correction
from .metrics import COUNT_METRICS, local_date
from .selectors import indicator_cases, indicator_filters, indicator_scope_for, indicators_compute

__all__ = [
    "Dashboard",
    "DashboardQuery",
    "DrillQuery",
    "Goals",
    "Trend",
    "dashboard_for",
    "dashboard_url",
    "drill_cases",
    "drill_facts",
    "goals_for",
    "trend_for",
]

KPI_METRICS = (
    "sla_compliance_pct",
    "backlog",
    "backlog_breached",
    "received",
    "resolutions",
    "first_response_compliance_pct",
)
SURVEY_KPIS = ("csat_pct", "nps")  # shown once the period has survey answers
GROUP_COLUMNS = (
    "received",
    "resolutions",
    "resolved_within_sla",
    "sla_compliance_pct",
    "backlog",
    "backlog_breached",
    "resolution_hours_avg",
    "csat_pct",
    "nps",
)
TREND_COLUMNS = (
    "received",
    "resolutions",
    "resolved_within_sla",
    "sla_compliance_pct",
    "backlog",
    "backlog_breached",
)
# What a group (or day) left out of indicators_compute's rows stands for: nothing to count.
NOTHING_COUNTED: dict[str, int] = dict.fromkeys(COUNT_METRICS, 0)


@dataclass(frozen=True)
class Row:
    label: str
    code: str | None
    cells: list[Cell]


@dataclass(frozen=True)
class PresetLink:
    label: str
    url: str
    active: bool


@dataclass
class Dashboard:
    query: DashboardQuery
    now: dt.datetime
    scope_label: str
    group_label: str
    presets: list[PresetLink]
    kpis: list[Cell]
    columns: list[tuple[str, str]]
    rows: list[Row]
    total: Row
    trend_url: str  # the daily trend and the goals come in their own requests (htmx, on load)
    goals_url: str
    freshness: Freshness
    export_urls: dict[str, str] = field(default_factory=dict)  # format -> indicator export
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def chart_size(self) -> str:
        """Height class of the per-group bar charts (dashboard.css): s, m, l, xl or xxl."""
        for size, most in (("s", 8), ("m", 16), ("l", 32), ("xl", 64)):
            if len(self.rows) <= most:
                return size
        return "xxl"


@dataclass
class Trend:
    query: DashboardQuery
    columns: list[tuple[str, str]]
    rows: list[Row]
    chart: dict[str, Any]
    freshness: Freshness


@dataclass
class Goals:
    query: DashboardQuery
    lines: list[TargetLine]
    freshness: Freshness


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every number of one board read from one snapshot (PostgreSQL, REPEATABLE READ, read
    only): the totals and the rows agree even while a rollup refresh commits, and the engine's
    computations share it instead of each opening its own (`indicators.selectors`)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def scope_label(scope: IndicatorFilters) -> str:
    """'Nacional', or the names of the directorate, area or offices the viewer is limited to."""
    parts = []
    for name in ("directorate", "area", "office"):
        ids = getattr(scope, name)
        if ids is not None:
            names = list(
                CODED[name]
                .objects.filter(pk__in=ids)
                .order_by("name")
                .values_list("name", flat=True)
            )
            parts.append(", ".join(names) if names else _("ninguna"))
    return " · ".join(parts) if parts else _("Nacional")


def viewer_scope(actor: Actor) -> IndicatorFilters:
    """The slice of the indicators the viewer may read; nothing at all without a placement."""
    scope = indicator_scope_for(actor)
    return scope if scope is not None else IndicatorFilters(channel=frozenset())


def _filters(scope: IndicatorFilters, channel: str, directorate: str = "") -> IndicatorFilters:
    chosen = indicator_filters(
        channel=[channel] if channel else [], directorate=[directorate] if directorate else []
    )
    return chosen.merged(scope)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _presets(query: DashboardQuery, today: dt.date) -> list[PresetLink]:
    """The period shortcuts; the first whose range is the chosen one is marked. Two may share
    a range (on 30 November "Este mes" is the last 30 days): only one is the current page."""
    chosen_range = (query.date_from, query.date_to)
    first_match = next(
        (p for p in period_presets(today) if (p.date_from, p.date_to) == chosen_range), None
    )

    def link(preset: Preset) -> PresetLink:
        chosen = DashboardQuery(preset.date_from, preset.date_to, query.group, query.channel)
        active = first_match is not None and preset.key == first_match.key
        return PresetLink(str(preset.label), dashboard_url(chosen), active)

    return [link(preset) for preset in period_presets(today)]


def _chart_text(*names: str) -> dict[str, str]:
    metrics = {
        "received": "received",
        "resolutions": "resolutions",
        "compliance": "sla_compliance_pct",
        "backlog": "backlog",
        "breached": "backlog_breached",
    }
    return {name: metric_label(metrics[name]) for name in names}


def dashboard_for(actor: Actor, query: DashboardQuery, now: dt.datetime) -> Dashboard:
    """The board's totals and one row per group, for `actor`'s scope (the daily trend and the
    goals are `trend_for` and `goals_for`, loaded beside it)."""
    scope = viewer_scope(actor)
    filters = _filters(scope, query.channel)
    links = DrillLinks()
    board = DrillQuery("", query.date_from, query.date_to, query.channel)

    with one_snapshot():
        correction = board_correction(query.date_to, now)
        pending = correction.pending
        totals = indicators_compute(
            query.date_from, query.date_to, (), filters, now=now, pending=pending
        ).rows
        grouped = indicators_compute(
            query.date_from, query.date_to, [query.group], filters, now=now, pending=pending
        ).rows
    total_row = totals[0] if totals else NOTHING_COUNTED

    names = group_names(query.group, (row[query.group] for row in grouped))
    rows = [
        Row(
            names[row[query.group]],
            row[query.group],
            links.cells(
                row, GROUP_COLUMNS, replace(board, group=query.group, key=row[query.group])
            ),
        )
        for row in grouped
    ]
    rows.sort(key=lambda row: (row.code is None, row.label.casefold()))
    kpi_metrics = list(KPI_METRICS)
    if total_row.get("survey_responses"):
        kpi_metrics += SURVEY_KPIS

    def column(metric: str) -> list:
        return [next(c.value for c in row.cells if c.metric == metric) for row in rows]

    return Dashboard(
        query=query,
        now=now,
        scope_label=scope_label(scope),
        group_label=str(GROUPS[query.group]),
        presets=_presets(query, local_date(now)),
        kpis=links.cells(total_row, kpi_metrics, board),
        columns=[(metric, metric_label(metric)) for metric in GROUP_COLUMNS],
        rows=rows,
        total=Row(_("Total"), None, links.cells(total_row, GROUP_COLUMNS, board)),
        trend_url=dashboard_url(query, "indicators:dashboard_trend"),
        goals_url=dashboard_url(query, "indicators:dashboard_goals"),
        freshness=correction.freshness,
        export_urls={fmt: export_url(query, fmt) for fmt in ("xlsx", "csv")},
        chart={
            "labels": [row.label for row in rows],
            "compliance": column("sla_compliance_pct"),
            "backlog": column("backlog"),
            "breached": column("backlog_breached"),
            "text": _chart_text("compliance", "backlog", "breached"),
        },
    )


def trend_for(actor: Actor, query: DashboardQuery, now: dt.datetime) -> Trend:
    """One row per day of the period (a day nothing happened shows zeros), and its series."""
    filters = _filters(viewer_scope(actor), query.channel)
    with one_snapshot():
        correction = board_correction(query.date_to, now)
        daily = indicators_compute(
            query.date_from, query.date_to, ["day"], filters, now=now, pending=correction.pending
        ).rows
    by_day = {row["day"]: row for row in daily}
    links = DrillLinks()
    rows: list[Row] = []
    chart: dict[str, Any] = {"labels": [], "received": [], "resolutions": [], "compliance": []}
    for day in _days(query.date_from, query.date_to):
        row = by_day.get(day.isoformat(), NOTHING_COUNTED)
        drill = DrillQuery("", query.date_from, query.date_to, query.channel, day=day)
        short = f"{day.day} {SHORT_MONTHS[day.month - 1]}"  # "18 nov"
        rows.append(
            Row(f"{short} {day.year}", day.isoformat(), links.cells(row, TREND_COLUMNS, drill))
        )
        chart["labels"].append(short)
        chart["received"].append(row.get("received", 0))
        chart["resolutions"].append(row.get("resolutions", 0))
        chart["compliance"].append(row.get("sla_compliance_pct"))
    chart["text"] = _chart_text("received", "resolutions", "compliance")
    columns = [(metric, metric_label(metric)) for metric in TREND_COLUMNS]
    return Trend(query, columns, rows, chart, correction.freshness)


def goals_for(query: DashboardQuery, now: dt.datetime) -> Goals:
    """The shared goals whose period overlaps the board's, each met, at risk or missed. Goals
    are institution-wide (as in GET /api/v1/targets/); their drill-downs list only the cases
    the viewer may see."""
    with one_snapshot():
        # Goals end today at the latest (they are evaluated up to today).
        correction = board_correction(local_date(now), now)
        lines = target_lines(query, now, DrillLinks(), correction.pending)
    return Goals(query, lines, correction.freshness)


def drill_cases(actor: Actor, drill: DrillQuery, now: dt.datetime) -> QuerySet[Case]:
    """The cases behind one number of the board that `actor` may see (unordered)."""
    filters = _filters(viewer_scope(actor), drill.channel, drill.directorate)
    keys: dict[str, str | None] = {}
    if drill.group:
        keys[drill.group] = drill.key or None
    if drill.day:
        keys["day"] = drill.day.isoformat()
    behind = indicator_cases(drill.metric, drill.date_from, drill.date_to, keys, filters, now=now)
    return cases_visible_to(actor).filter(pk__in=behind.values("pk"))


def drill_facts(drill: DrillQuery) -> list[tuple[str, str]]:
    """What the list is, as (label, value) pairs for its heading."""
    start, end = drill.day or drill.date_from, drill.day or drill.date_to
    period = short_date(start)
    if end != start:
        period = _("%(start)s a %(end)s") % {"start": period, "end": short_date(end)}
    facts = [(_("Indicador"), metric_label(drill.metric)), (_("Periodo"), period)]
    chosen: list[tuple[str, str | None]] = [
        (name, code)
        for name, code in (("channel", drill.channel), ("directorate", drill.directorate))
        if code
    ]
    if drill.group and (drill.group, drill.key) not in chosen:
        chosen.append((drill.group, drill.key))
    for name, code in chosen:
        facts.append((str(GROUPS[name]), group_names(name, [code])[code]))
    return facts
