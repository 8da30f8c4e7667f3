"""Open cases of a calendar recomputed on a calendar spec: what would change (shared by the
preview and the repair run, `cases.sla.repair`). Reads only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db.models import Q

from businesstime.calendar_spec import CalendarSpec
from catalog.models import Service
from channels.models import Channel, Office
from channels.selectors import calendar_spec_for

from ..models import Case, CaseEvent, CaseStatus, EventKind, SlaState
from ..models.case import OPEN_STATUSES
from .policy import CENTRAL_TZ
from .recompute import EXTENSION, Dues, Snapshot, Wait, recompute_dues

BATCH_SIZE = 10000  # cases per transaction; a batch holds their row locks ~1–3 s
# What a batch reads of each case: its snapshot, state and the dimensions of its event.
CASE_FIELDS = (
    "id", "status", "kind", "channel_id", "office_id", "service_id", "directorate_id", "area_id",
    "priority", "received_at", "sla_policy_id", "sla_calendar_id", "sla_first_response_value",
    "sla_first_response_unit", "sla_resolution_value", "sla_resolution_unit", "sla_warn_pct",
    "sla_extension_value", "sla_extended_at", "first_response_due_at", "resolution_due_at",
    "warn_at", "first_response_at", "paused_open_seconds", "sla_state", "version",
)  # fmt: skip


def open_cases(calendar_id: int):  # type: ignore[no-untyped-def]
    """The cases a change of this calendar may move: open ones counting on it, by id."""
    return Case.objects.filter(sla_calendar_id=calendar_id, status__in=OPEN_STATUSES).order_by("id")


def case_rows(queryset) -> list[SimpleNamespace]:  # type: ignore[no-untyped-def]
    """The batch as plain rows (a model instance per case costs more than its recomputation);
    only the changed ones become `Case` objects (`as_case`)."""
    return [
        SimpleNamespace(**dict(zip(CASE_FIELDS, row, strict=True)))
        for row in queryset.values_list(*CASE_FIELDS)
    ]


# The batch's fields in the model's order: `from_db` then takes Django's positional fast path.
_ORDERED = [f.attname for f in Case._meta.concrete_fields if f.attname in CASE_FIELDS]


def as_case(row: SimpleNamespace) -> Case:
    return Case.from_db("default", _ORDERED, [getattr(row, name) for name in _ORDERED])


def histories(case_ids: list[int]) -> dict[int, tuple[Wait | str, ...]]:
    """Each case's waits served and granted extension, in the order they happened (one query)."""
    found: dict[int, list[Wait | str]] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .filter(Q(data__has_key="paused_from") | Q(kind=EventKind.SLA_EXTENDED))
        .order_by("case_id", "at", "id")
        .values_list("case_id", "kind", "data")
    )
    for case_id, kind, data in rows:
        if "paused_from" in data:
            found[case_id].append(
                Wait(
                    dt.datetime.fromisoformat(data["paused_from"]),
                    dt.datetime.fromisoformat(data["paused_to"]),
                )
            )
        elif kind == EventKind.SLA_EXTENDED:
            found[case_id].append(EXTENSION)
    return {case_id: tuple(moves) for case_id, moves in found.items()}


def snapshot_of(case: Case, history: tuple[Wait | str, ...]) -> Snapshot:
    first = None
    if case.sla_first_response_value:
        first = (case.sla_first_response_value, case.sla_first_response_unit)
    # A granted extension counts only while the case's terms still admit it (as `sla_replay`).
    extension = case.sla_extension_value if case.sla_extended_at is not None else None
    return Snapshot(
        received_at=case.received_at,
        first_response=first,
        resolution=(case.sla_resolution_value, case.sla_resolution_unit),
        warn_pct=case.sla_warn_pct,
        extension_value=extension,
        first_response_at=case.first_response_at,
        history=history,
    )


@dataclass(frozen=True)
class Change:
    """One open case whose instants differ on the new calendar."""

    case: Case
    old: Dues
    new: Dues
    old_state: str
    new_state: str
    promised_later: bool  # the date the citizen was promised (resolution due, local) is later

    @property
    def lifted(self) -> bool:
        return self.old_state == SlaState.BREACHED and self.new_state != SlaState.BREACHED

    @property
    def appears(self) -> bool:
        return self.old_state != SlaState.BREACHED and self.new_state == SlaState.BREACHED


def dues_of(case: Case | SimpleNamespace) -> Dues:
    return Dues(
        case.first_response_due_at, case.resolution_due_at, case.warn_at, case.paused_open_seconds
    )


def _state_at(status: str, stored: str, dues: Dues, now: dt.datetime) -> str:
    """`sla_state_at` of an open case with these dues (waiting: paused)."""
    if status == CaseStatus.WAITING:
        return stored
    if now > dues.resolution_due_at:
        return SlaState.BREACHED
    return SlaState.AT_RISK if now >= dues.warn_at else SlaState.ON_TRACK


def changes_in(
    rows: list[SimpleNamespace], spec: CalendarSpec, now: dt.datetime, tz_of: dict[int, str]
) -> list[Change]:
    """The cases of a batch whose instants move on ``spec``, with their state at ``now``."""
    found = []
    moves = histories([row.id for row in rows])
    for row in rows:
        old = dues_of(row)
        new = recompute_dues(spec, snapshot_of(row, moves.get(row.id, ())))  # type: ignore[arg-type]
        if new == old:
            continue
        state = _state_at(row.status, row.sla_state, new, now)
        tz = tz_of.get(row.office_id or 0, CENTRAL_TZ)
        later = _local_date(new.resolution_due_at, tz) > _local_date(old.resolution_due_at, tz)
        found.append(Change(as_case(row), old, new, row.sla_state, state, later))
    return found


def _local_date(instant: dt.datetime, tz: str) -> dt.date:
    return instant.astimezone(ZoneInfo(tz)).date()


def office_timezones() -> dict[int, str]:
    return dict(Office.objects.values_list("pk", "timezone"))


def batches(
    calendar_id: int, after: int = 0, size: int = BATCH_SIZE
) -> Iterator[list[SimpleNamespace]]:
    """Unlocked batches of the calendar's open cases (the preview; the run locks its own)."""
    while True:
        batch = case_rows(open_cases(calendar_id).filter(pk__gt=after)[:size])
        if not batch:
            return
        yield batch
        after = batch[-1].id


# --- the preview ----------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    first_response_moved: int = 0
    resolution_moved: int = 0
    warn_moved: int = 0
    later: int = 0
    earlier: int = 0
    breaches_lifted: int = 0
    breaches_appearing: int = 0

    def add(self, change: Change) -> None:
        self.cases += 1
        self.first_response_moved += (
            change.old.first_response_due_at != change.new.first_response_due_at
        )
        self.resolution_moved += change.old.resolution_due_at != change.new.resolution_due_at
        self.warn_moved += change.old.warn_at != change.new.warn_at
        self.later += change.new.resolution_due_at > change.old.resolution_due_at
        self.earlier += change.new.resolution_due_at < change.old.resolution_due_at
        self.breaches_lifted += change.lifted
        self.breaches_appearing += change.appears

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Preview:
    """What recomputing a calendar's open cases would change (SPEC §6, ADR 0014)."""

    calendar: str
    open_cases: int = 0
    total: Tally = field(default_factory=Tally)
    citizens_told: int = 0
    # Resolution due shift, in hours of elapsed time (negative: earlier).
    shift_min_hours: float | None = None
    shift_max_hours: float | None = None
    by_office: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_service: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_channel: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def add(self, change: Change, office: str, service: str, channel: str) -> None:
        self.total.add(change)
        self.citizens_told += change.promised_later
        hours = (change.new.resolution_due_at - change.old.resolution_due_at).total_seconds() / 3600
        if hours:
            self.shift_min_hours = (
                hours if self.shift_min_hours is None else min(self.shift_min_hours, hours)
            )
            self.shift_max_hours = (
                hours if self.shift_max_hours is None else max(self.shift_max_hours, hours)
            )
        self.by_office[office].add(change)
        self.by_service[service].add(change)
        self.by_channel[channel].add(change)

    def as_dict(self) -> dict:
        def table(rows: dict[str, Tally]) -> list[dict]:
            return [{"code": code, **tally.as_dict()} for code, tally in sorted(rows.items())]

        return {
            "calendar": self.calendar,
            "open_cases": self.open_cases,
            "changed": self.total.cases,
            **{k: v for k, v in self.total.as_dict().items() if k != "cases"},
            "citizens_told": self.citizens_told,
            "shift_min_hours": self.shift_min_hours,
            "shift_max_hours": self.shift_max_hours,
            "by_office": table(self.by_office),
            "by_service": table(self.by_service),
            "by_channel": table(self.by_channel),
        }


NO_OFFICE = "—"


def sla_repair_preview(
    calendar_id: int, now: dt.datetime, spec: CalendarSpec | None = None
) -> Preview:
    """What recomputing the calendar's open cases on ``spec`` (default: the calendar as it is
    now) would change at ``now``: counts in total and by office, service and channel. Writes
    nothing."""
    spec = spec or calendar_spec_for(calendar_id)
    preview = Preview(calendar=spec.code)
    tz_of = office_timezones()
    offices = dict(Office.objects.values_list("pk", "code"))
    channels = dict(Channel.objects.values_list("pk", "code"))
    services = dict(Service.objects.values_list("pk", "code"))
    for batch in batches(calendar_id):
        preview.open_cases += len(batch)
        for change in changes_in(batch, spec, now, tz_of):
            case = change.case
            preview.add(
                change,
                offices.get(case.office_id or 0, NO_OFFICE),
                services[case.service_id],
                channels[case.channel_id],
            )
    return preview
