"""What the supervisor dashboard offers to choose: its groupings and its period shortcuts.

The browser forms (web.dashboard_forms) validate a board's query against these; the presenter
(indicators.dashboard) labels its rows and shortcut links with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# Groupings the dashboard offers (a subset of indicators.metrics.GROUP_DIMENSIONS).
GROUPS: dict[str, Any] = {
    "channel": _("Canal"),
    "directorate": _("Dirección"),
    "area": _("Área"),
    "office": _("Oficina"),
    "service": _("Servicio"),
}
DEFAULT_GROUP = "channel"


@dataclass(frozen=True)
class Preset:
    key: str
    label: Any
    date_from: dt.date
    date_to: dt.date


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def period_presets(today: dt.date) -> list[Preset]:
    """This month (to today), last month, the last 7 and 30 days (today included)."""
    last_month_end = _month_start(today) - dt.timedelta(days=1)
    return [
        Preset("month", _("Este mes"), _month_start(today), today),
        Preset("last_month", _("Mes anterior"), _month_start(last_month_end), last_month_end),
        Preset("7d", _("Últimos 7 días"), today - dt.timedelta(days=6), today),
        Preset("30d", _("Últimos 30 días"), today - dt.timedelta(days=29), today),
    ]
