"""Rows of an indicator-table export: the `/api/v1/indicators/` table with Spanish titles.

Each group key becomes two columns, its code and its catalog name (the day a date, the case kind
its Spanish name); then every metric of SPEC §7 in the API's order. Indicators carry no personal
data; the scope is the person's (``indicator_scope_for``), merged into the filters by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from catalog.models import CaseKind

from ..metrics import METRICS
from .labels import GROUP_LABELS, METRIC_LABELS, CatalogNames

CODED = ("channel", "directorate", "area", "office", "service")


def indicator_headers(group_by: Sequence[str]) -> list[str]:
    headers: list[str] = []
    for name in group_by:
        label = str(GROUP_LABELS[name])
        if name in CODED:
            headers += [_("%(label)s (clave)") % {"label": label}, label]
        else:
            headers.append(label)
    return headers + [str(METRIC_LABELS[metric]) for metric in METRICS]


def indicator_widths(group_by: Sequence[str]) -> list[int]:
    widths: list[int] = []
    for name in group_by:
        widths += [18, 34] if name in CODED else [12]
    return widths + [16] * len(METRICS)


def indicator_rows(
    rows: Iterable[dict], group_by: Sequence[str], names: CatalogNames
) -> Iterator[list[Any]]:
    """One list of cell values per row of an IndicatorTable (``table.rows``)."""
    kinds: dict[Any, str] = {value: str(label) for value, label in CaseKind.choices}
    for row in rows:
        values: list[Any] = []
        for name in group_by:
            key = row.get(name)
            if name in CODED:
                values += [key or "", names.name_of_code(name, key)]
            elif name == "day":
                values.append(dt.date.fromisoformat(key) if key else None)
            else:
                values.append(kinds.get(key, key or ""))
        values += [row.get(metric) for metric in METRICS]
        yield values
