"""How the supervisor dashboard prints a number and where each number links (its drill-down).

A number is a `Cell`: the metric, the value `indicators_compute` answered, its es-MX text and
the address of the list of cases behind it (`/tablero/casos/?metric=…&from=…&to=…`, with the
board's channel or directorate and the row's group key or day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy

from .dimensions import CODED

METRIC_LABELS: dict[str, Any] = {
    "received": gettext_lazy("Recibidos"),
    "complaints_per_1000": gettext_lazy("Quejas por cada 1,000 casos"),
    "resolutions": gettext_lazy("Resueltos"),
    "resolved_within_sla": gettext_lazy("Resueltos en plazo"),
    "sla_compliance_pct": gettext_lazy("Cumplimiento de plazo"),
    "first_responses": gettext_lazy("Primeras respuestas"),
    "first_responses_within_sla": gettext_lazy("Primeras respuestas en plazo"),
    "first_response_compliance_pct": gettext_lazy("Primera respuesta en plazo"),
    "resolution_hours_avg": gettext_lazy("Horas hábiles para resolver (promedio)"),
    "resolution_hours_p50": gettext_lazy("Horas hábiles para resolver (mediana)"),
    "resolution_hours_p90": gettext_lazy("Horas hábiles para resolver (percentil 90)"),
    "fcr_pct": gettext_lazy("Resueltos al primer contacto"),
    "reopen_pct": gettext_lazy("Reaperturas"),
    "backlog": gettext_lazy("Pendientes"),
    "backlog_breached": gettext_lazy("Pendientes vencidos"),
    "survey_responses": gettext_lazy("Encuestas respondidas"),
    "csat_pct": gettext_lazy("Satisfacción (CSAT)"),
    "csat_avg": gettext_lazy("Satisfacción promedio (1 a 5)"),
    "nps": gettext_lazy("NPS"),
}
PERCENTAGES = frozenset(
    {"sla_compliance_pct", "first_response_compliance_pct", "fcr_pct", "reopen_pct", "csat_pct"}
)
HOURS = frozenset({"resolution_hours_avg", "resolution_hours_p50", "resolution_hours_p90"})
NO_GROUP_LABELS: dict[str, Any] = {
    "channel": gettext_lazy("Sin canal"),
    "directorate": gettext_lazy("Sin dirección"),
    "area": gettext_lazy("Sin área"),
    "office": gettext_lazy("Sin oficina"),
    "service": gettext_lazy("Sin servicio"),
}


@dataclass(frozen=True)
class DashboardQuery:
    date_from: dt.date
    date_to: dt.date
    group: str = "channel"
    channel: str = ""  # a channel code, or "" for every channel


@dataclass(frozen=True)
class DrillQuery:
    metric: str
    date_from: dt.date
    date_to: dt.date
    channel: str = ""
    directorate: str = ""
    group: str = ""
    key: str | None = None  # the group's code; None: cases without that dimension
    day: dt.date | None = None


@dataclass(frozen=True)
class Cell:
    metric: str
    value: int | float | None
    text: str
    url: str | None
    label: str = ""  # the metric's name (KPI cards, link text for screen readers)


def metric_label(metric: str) -> str:
    return str(METRIC_LABELS.get(metric, metric))


class NumberFormat:
    """es-MX numbers (the active locale's separators, read once): 1,250 · 93.39 % · 11.42 h."""

    def __init__(self) -> None:
        self.separators = str.maketrans(
            {",": str(get_format("THOUSAND_SEPARATOR")), ".": str(get_format("DECIMAL_SEPARATOR"))}
        )

    def text(self, metric: str, value: int | float | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, int):
            return f"{value:,}".translate(self.separators)
        text = f"{value:,.2f}".translate(self.separators)
        if metric in PERCENTAGES:
            return f"{text} %"
        if metric in HOURS:
            return f"{text} h"
        return text


def number_text(metric: str, value: int | float | None) -> str:
    """A metric's value as es-MX text; "—" without data."""
    return NumberFormat().text(metric, value)


def dashboard_url(query: DashboardQuery, name: str = "indicators:dashboard") -> str:
    """The board (or one of its sections, by URL name) for this period, grouping and channel."""
    params = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    params["group"] = query.group
    if query.channel:
        params["channel"] = query.channel
    return f"{reverse(name)}?{urlencode(params)}"


def export_url(query: DashboardQuery, fmt: str) -> str:
    """The board's table as a file (CSV or XLSX) through the indicator export."""
    params = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    params.update({"group_by": query.group, "formato": fmt})
    if query.channel:
        params["channel"] = query.channel
    return f"{reverse('exports:indicators')}?{urlencode(params)}"


class DrillLinks:
    """Numbers of one board with their drill-down addresses (the base URL is reversed, the
    labels translated and the number format read once per board, not once per number)."""

    def __init__(self) -> None:
        self.base = reverse("indicators:dashboard_cases")
        self.numbers = NumberFormat()
        self.labels = {metric: str(label) for metric, label in METRIC_LABELS.items()}

    def _query(self, drill: DrillQuery) -> str:
        """The address's parameters after `metric`."""
        params = {"from": drill.date_from.isoformat(), "to": drill.date_to.isoformat()}
        if drill.channel:
            params["channel"] = drill.channel
        if drill.directorate:
            params["directorate"] = drill.directorate
        if drill.group:
            params["group"] = drill.group
            params["key"] = drill.key or ""
        if drill.day:
            params["day"] = drill.day.isoformat()
        return urlencode(params)

    def url(self, drill: DrillQuery) -> str:
        return f"{self.base}?{urlencode({'metric': drill.metric})}&{self._query(drill)}"

    def cells(self, row: dict, metrics: Iterable[str], drill: DrillQuery) -> list[Cell]:
        """One number per metric of `row`, each linked to its cases (metric names are
        URL-safe identifiers)."""
        rest = self._query(drill)
        cells = []
        for metric in metrics:
            value = row.get(metric)
            url = None if value is None else f"{self.base}?metric={metric}&{rest}"
            text = self.numbers.text(metric, value)
            cells.append(Cell(metric, value, text, url, self.labels.get(metric, metric)))
        return cells


def group_names(group: str, codes: Iterable[str | None]) -> dict[str | None, str]:
    wanted = sorted({code for code in codes if code})
    found = dict(CODED[group].objects.filter(code__in=wanted).values_list("code", "name"))
    names: dict[str | None, str] = {None: str(NO_GROUP_LABELS[group])}
    names.update({code: found.get(code, code) for code in wanted})
    return names
