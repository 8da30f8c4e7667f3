"""What an export job keeps in ``ExportJob.params`` (JSON) to build its file again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cases.selectors.filters import CaseFilters

_INSTANTS = ("received_after", "received_before")


def filters_to_json(filters: CaseFilters) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in dataclasses.fields(filters):
        value = getattr(filters, item.name)
        if item.name in _INSTANTS:
            data[item.name] = value.isoformat() if value is not None else None
        elif isinstance(value, (list, tuple)):
            data[item.name] = list(value)
        else:
            data[item.name] = value
    return data


def filters_from_json(data: dict[str, Any]) -> CaseFilters:
    known = {item.name for item in dataclasses.fields(CaseFilters)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        if name in _INSTANTS:
            values[name] = dt.datetime.fromisoformat(value) if value else None
        elif isinstance(value, list):
            values[name] = tuple(value)
        else:
            values[name] = value
    return CaseFilters(**values)


@dataclass(frozen=True)
class CaseExportParams:
    """A case-list export: the queue's filters and order, as the person saw them."""

    filters: CaseFilters
    ordering: str
    now: dt.datetime
    tz_name: str
    full_data: bool = False
    queue: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "filters": filters_to_json(self.filters),
            "ordering": self.ordering,
            "now": self.now.isoformat(),
            "timezone": self.tz_name,
            "full_data": self.full_data,
            "queue": self.queue,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseExportParams:
        return cls(
            filters=filters_from_json(data.get("filters", {})),
            ordering=data["ordering"],
            now=dt.datetime.fromisoformat(data["now"]),
            tz_name=data["timezone"],
            full_data=bool(data.get("full_data")),
            queue=data.get("queue", ""),
        )


@dataclass(frozen=True)
class IndicatorExportParams:
    """An indicator-table export: the API's query (codes), read again when the job runs."""

    date_from: dt.date
    date_to: dt.date
    group_by: list[str]
    codes: dict[str, list[str]] = field(default_factory=dict)
    now: dt.datetime | None = None
    tz_name: str = "America/Mexico_City"

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "group_by": list(self.group_by),
            "codes": {name: list(values) for name, values in self.codes.items() if values},
            "now": self.now.isoformat() if self.now else None,
            "timezone": self.tz_name,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndicatorExportParams:
        return cls(
            date_from=dt.date.fromisoformat(data["from"]),
            date_to=dt.date.fromisoformat(data["to"]),
            group_by=list(data.get("group_by", [])),
            codes={name: list(values) for name, values in data.get("codes", {}).items()},
            now=dt.datetime.fromisoformat(data["now"]) if data.get("now") else None,
            tz_name=data.get("timezone") or "America/Mexico_City",
        )
