"""Load the reference data under `reference_data/` (YAML) into the database, idempotently.

The files are the source of truth for every row they list: a second run with the same files
changes nothing (and writes no history rows). Rows that administrators added in the admin and
the files do not mention are left alone. See README "Reference data".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from businesstime.clock import official_holidays
from channels.models import (
    BusinessCalendar,
    CalendarException,
    CalendarInterval,
    Channel,
    NonWorkingDaysNotice,
    Office,
)

from .models import Area, Directorate, Service, ServiceChannel, SlaPolicy

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "reference_data"


class ReferenceDataError(Exception):
    """A data file is missing, malformed or refers to a code that does not exist."""


@dataclass
class LoadReport:
    counts: Counter[str] = field(default_factory=Counter)

    def record(self, entity: str, outcome: str) -> None:
        self.counts[f"{entity}:{outcome}"] += 1

    @property
    def changed(self) -> int:
        return sum(v for k, v in self.counts.items() if not k.endswith(":unchanged"))

    def lines(self) -> list[str]:
        entities = sorted({k.split(":")[0] for k in self.counts})
        return [
            f"{entity}: "
            + ", ".join(
                f"{self.counts[f'{entity}:{outcome}']} {outcome}"
                for outcome in ("created", "updated", "unchanged")
                if self.counts[f"{entity}:{outcome}"]
            )
            for entity in entities
        ]


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    if not path.exists():
        raise ReferenceDataError(f"Falta el archivo de datos de referencia {path}.")
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create or update one row; save only when a value differs (so history stays quiet)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return obj, "updated"


def _get(model: Any, code: str | None, what: str) -> Any:
    if code is None:
        return None
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist as missing:
        raise ReferenceDataError(f"{what}: no existe la clave «{code}».") from missing


def _load_channels(data: dict, report: LoadReport) -> None:
    for row in data["channels"]:
        _, outcome = _upsert(
            Channel,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "ownership": row["ownership"],
                "active": row.get("active", True),
            },
        )
        report.record("channels", outcome)


def _interval_tuples(calendar: BusinessCalendar) -> set[tuple[int, str, str]]:
    return set(calendar.intervals.values_list("weekday", "start", "end"))


def _load_calendars(data: dict, report: LoadReport) -> None:
    for row in data["calendars"]:
        calendar, outcome = _upsert(
            BusinessCalendar,
            {"code": row["code"]},
            {
                "name": row["name"],
                "timezone": row["timezone"],
                "observe_holidays": row.get("observe_holidays", True),
            },
        )
        wanted = {(int(i["weekday"]), str(i["start"]), str(i["end"])) for i in row["weekly"]}
        if _interval_tuples(calendar) != wanted:
            calendar.intervals.all().delete()
            for weekday, start, end in sorted(wanted):
                interval = CalendarInterval(
                    calendar=calendar, weekday=weekday, start=start, end=end
                )
                interval.full_clean()
                interval.save()
            outcome = "updated" if outcome == "unchanged" else outcome
        report.record("calendars", outcome)
        for exception in row.get("exceptions") or []:
            _load_exception(calendar, exception, report)


def _load_exception(
    calendar: BusinessCalendar, row: dict, report: LoadReport, source: str = ""
) -> None:
    closed = bool(row.get("closed", True))
    intervals = (
        "" if closed else ", ".join(f"{i['start']}-{i['end']}" for i in row.get("intervals") or [])
    )
    _, outcome = _upsert(
        CalendarException,
        {"calendar": calendar, "date": row["date"]},
        {
            "closed": closed,
            "intervals": intervals,
            "name": row["name"],
            "source": row.get("source", source),
        },
    )
    report.record("calendar_exceptions", outcome)


def _load_dias_inhabiles(directory: Path, report: LoadReport) -> None:
    folder = directory / "dias_inhabiles"
    for path in sorted(folder.glob("*.yaml")) if folder.exists() else []:
        data = _read(folder, path.name)
        year = int(data["year"])
        holidays = official_holidays(year)
        if data.get("calendars", "all") == "all":
            calendars = list(BusinessCalendar.objects.all())
        else:
            calendars = [_get(BusinessCalendar, code, path.name) for code in data["calendars"]]
        # The record that this year's notice is loaded (the December check looks for next year's).
        if path.stem == str(year):  # <year>.yaml is the yearly notice; others are later agreements
            _upsert(NonWorkingDaysNotice, {"year": year}, {"source": data.get("source", "")})
        for day in data["days"]:
            date = day["date"]
            if not isinstance(date, dt.date) or date.year != year:
                raise ReferenceDataError(
                    f"{path.name}: fecha inválida {date!r} para el año {year}."
                )
            if date in holidays:
                continue  # already an official holiday for the SLA clock
            for calendar in calendars:
                _load_exception(
                    calendar,
                    {"date": date, "closed": True, "name": day["name"]},
                    report,
                    data.get("source", ""),
                )


def _load_offices(data: dict, report: LoadReport) -> None:
    by_kind = data.get("channels_by_kind", {})
    rows = data["offices"]
    # Delegaciones first, so that every Cesi finds its parent.
    for row in sorted(rows, key=lambda r: r.get("parent") is not None):
        office, outcome = _upsert(
            Office,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "state": str(row["state"]),
                "timezone": row["timezone"],
                "calendar": _get(BusinessCalendar, row["calendar"], f"oficina {row['code']}"),
                "parent": _get(Office, row.get("parent"), f"oficina {row['code']}"),
                "active": row.get("active", True),
            },
        )
        wanted = set(row.get("channels") or by_kind.get(row["kind"], []))
        if set(office.channels.values_list("code", flat=True)) != wanted:
            office.channels.set(
                [_get(Channel, code, f"oficina {row['code']}") for code in sorted(wanted)]
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        report.record("offices", outcome)


def _load_directorates(data: dict, report: LoadReport) -> None:
    for row in data["directorates"]:
        directorate, outcome = _upsert(
            Directorate,
            {"code": row["code"]},
            {"name": row["name"], "active": row.get("active", True)},
        )
        report.record("directorates", outcome)
        for area_row in row.get("areas", []):
            _, outcome = _upsert(
                Area,
                {"code": area_row["code"]},
                {
                    "name": area_row["name"],
                    "directorate": directorate,
                    "calendar": _get(
                        BusinessCalendar, area_row.get("calendar"), f"área {area_row['code']}"
                    ),
                    "active": area_row.get("active", True),
                },
            )
            report.record("areas", outcome)


def _target(value: dict | None) -> tuple[int | None, str]:
    if value is None:
        return None, ""
    return int(value["value"]), str(value["unit"])


def _load_policies(data: dict, report: LoadReport) -> None:
    for row in data["sla_policies"]:
        first_value, first_unit = _target(row.get("first_response"))
        resolution_value, resolution_unit = _target(row["resolution"])
        extension_value, extension_unit = _target(row.get("extension"))
        if extension_value is not None and extension_unit != resolution_unit:
            raise ValueError(
                f"política {row['code']}: la ampliación debe ir en la unidad de la resolución"
            )
        escalation = row.get("escalation") or {}
        _, outcome = _upsert(
            SlaPolicy,
            {"code": row["code"]},
            {
                "name": row["name"],
                "first_response_value": first_value,
                "first_response_unit": first_unit,
                "resolution_value": resolution_value,
                "resolution_unit": resolution_unit,
                "calendar": _get(BusinessCalendar, row.get("calendar"), f"política {row['code']}"),
                "warn_pct": int(row.get("warn_pct", 75)),
                "extension_value": extension_value,
                "escalate_raise_priority": bool(escalation.get("raise_priority", True)),
                "escalate_notify_supervisors": bool(escalation.get("notify_supervisors", True)),
            },
        )
        report.record("sla_policies", outcome)


def _load_services(data: dict, report: LoadReport) -> None:
    for row in data["services"]:
        where = f"servicio {row['code']}"
        service, outcome = _upsert(
            Service,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "directorate": _get(Directorate, row["directorate"], where),
                "area": _get(Area, row["area"], where),
                "sla_policy": _get(SlaPolicy, row["sla_policy"], where),
                "description": row["description"].strip(),
                "first_contact_resolution": bool(row.get("first_contact_resolution", False)),
                "arco_request": bool(row.get("arco_request", False)),
                "active": row.get("active", True),
            },
        )
        report.record("services", outcome)
        for link in row.get("channels", []):
            _, link_outcome = _upsert(
                ServiceChannel,
                {"service": service, "channel": _get(Channel, link["channel"], where)},
                {
                    "sla_policy": _get(SlaPolicy, link.get("sla_policy"), where),
                    "active": link.get("active", True),
                },
            )
            report.record("service_channels", link_outcome)


@transaction.atomic
def reference_data_load(directory: Path = DEFAULT_DIRECTORY) -> LoadReport:
    """Load every reference-data file in dependency order, all or nothing."""
    report = LoadReport()
    _load_channels(_read(directory, "channels.yaml"), report)
    _load_calendars(_read(directory, "calendars.yaml"), report)
    _load_dias_inhabiles(directory, report)
    _load_offices(_read(directory, "offices.yaml"), report)
    _load_directorates(_read(directory, "directorates.yaml"), report)
    _load_policies(_read(directory, "sla_policies.yaml"), report)
    _load_services(_read(directory, "services.yaml"), report)
    return report
