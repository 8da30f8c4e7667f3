"""Routing dry run (SPEC §5): replay past cases through a candidate rule set, writing nothing.

Each case is replayed as it was at intake — the service and kind of its CREATED event, its
channel, office, contact type, subject and description, and its current priority (the priority
at intake is not kept) — and the candidate decision is compared with where the case was FIRST
routed (the area of its first ROUTED event). A case never routed (still new, or cancelled before
routing) is compared with its service's owner, where routing without rules would send it. Cases
resolved at the first contact are left out: they are never routed, whatever the rules.

The candidate rules are `RuleSpec`s: the saved rules (`routing.rule_specs_from`) or a YAML/JSON
file (`rule_files.rule_specs_from_file`) whose codes are checked against the catalog.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Area, Directorate, Service
from channels.models import Channel, Office

from ..models import Case, CaseEvent, CaseStatus, EventKind
from .rules import RoutingSubject, RuleSpec, routing_decide

REPORT_TZ = ZoneInfo("America/Mexico_City")  # indicators bucket days in this timezone too (SPEC §7)
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class DryRunMove:
    """Cases that went to one area and would go to another."""

    from_directorate: str
    from_area: str
    to_directorate: str
    to_area: str
    cases: int


@dataclass(frozen=True)
class AreaShift:
    """How many of the replayed cases an area received, and would receive with the candidate."""

    directorate: str
    area: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class DryRunReport:
    since: dt.date
    rules: int
    total: int = 0
    unchanged: int = 0
    changed: int = 0
    never_routed: int = 0
    moves: list[DryRunMove] = field(default_factory=list)
    areas: list[AreaShift] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report in Spanish, one line per message (for the command and the admin)."""
        lines = [
            _(
                "Simulación de turno desde el %(since)s con %(rules)s reglas: %(total)s casos, "
                "%(unchanged)s sin cambio, %(changed)s se turnarían distinto."
            )
            % {
                "since": self.since.isoformat(),
                "rules": self.rules,
                "total": self.total,
                "unchanged": self.unchanged,
                "changed": self.changed,
            }
        ]
        if self.never_routed:
            lines.append(
                _(
                    "%(n)s casos nunca turnados se compararon con el área responsable de su servicio."
                )
                % {"n": self.never_routed}
            )
        for move in self.moves:
            lines.append(
                _("%(n)s casos: de %(fd)s / %(fa)s a %(td)s / %(ta)s")
                % {
                    "n": move.cases,
                    "fd": move.from_directorate,
                    "fa": move.from_area,
                    "td": move.to_directorate,
                    "ta": move.to_area,
                }
            )
        for shift in self.areas:
            lines.append(
                _("Área %(d)s / %(a)s: %(before)s → %(after)s casos (%(delta)+d)")
                % {
                    "d": shift.directorate,
                    "a": shift.area,
                    "before": shift.before,
                    "after": shift.after,
                    "delta": shift.delta,
                }
            )
        return lines


class _ServiceOwner(NamedTuple):
    pk: int
    code: str
    directorate_id: int
    area_id: int
    area_directorate_id: int


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _first_events(case_ids: list[int]) -> tuple[dict[int, tuple[int, str]], dict[int, int]]:
    """For a batch of cases: (service, kind) of each one's CREATED event and the area of its
    first ROUTED event. One query over `event_case_timeline_idx`; its cost is bounded by the
    batch whatever the table statistics say (a correlated subquery per case is not)."""
    intake: dict[int, tuple[int, str]] = {}
    routed: dict[int, int] = {}
    events = (
        CaseEvent.objects.filter(
            case_id__in=case_ids, kind__in=[EventKind.CREATED, EventKind.ROUTED]
        )
        .order_by("case_id", "at", "id")
        .values_list("case_id", "kind", "service_id", "case_kind", "area_id")
    )
    for case_id, kind, service_id, case_kind, area_id in events:
        if kind == EventKind.CREATED:
            intake.setdefault(case_id, (service_id, case_kind))
        elif area_id is not None:
            routed.setdefault(case_id, area_id)
    return intake, routed


@dataclass(frozen=True)
class _Catalog:
    """The catalog rows the replay reads, loaded once."""

    services: dict[int, _ServiceOwner]
    channels: dict[int, str]
    offices: dict[int, tuple[str, str]]
    areas: dict[int, tuple[str, int]]
    directorates: dict[int, str]

    @classmethod
    def load(cls) -> _Catalog:
        services = {
            row[0]: _ServiceOwner(*row)
            for row in Service.objects.values_list(
                "pk", "code", "directorate_id", "area_id", "area__directorate_id"
            )
        }
        channels = dict(Channel.objects.values_list("pk", "code"))
        offices = {
            pk: (code, state)
            for pk, code, state in Office.objects.values_list("pk", "code", "state")
        }
        areas = {
            pk: (code, directorate)
            for pk, code, directorate in Area.objects.values_list("pk", "code", "directorate_id")
        }
        directorates = dict(Directorate.objects.values_list("pk", "code"))
        return cls(services, channels, offices, areas, directorates)

    def codes(self, area_id: int) -> tuple[str, str]:
        """(directorate, area) codes of an area."""
        code, directorate_id = self.areas[area_id]
        return self.directorates[directorate_id], code


def _replayed_cases(start: dt.datetime):  # type: ignore[no-untyped-def]
    """The cases received since `start` that routing saw, as the rows the replay reads."""
    return (
        Case.objects.filter(received_at__gte=start)
        # Resolved or closed without ever being routed = resolved at the first contact.
        .exclude(routed_at__isnull=True, status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
        .order_by()
        .values_list(
            "pk",
            "service_id",
            "kind",
            "priority",
            "channel_id",
            "office_id",
            "contact__type",
            "subject",
            "description",
        )
    )


def _subject(row: tuple, intake: dict[int, tuple[int, str]], catalog: _Catalog) -> RoutingSubject:
    """The case as it was at intake (its CREATED event's service and kind)."""
    pk, service_id, kind, priority, channel_id, office_id, contact_type, subject, description = row
    service_id, kind = intake.get(pk, (service_id, kind))
    service = catalog.services[service_id]
    office = catalog.offices.get(office_id) if office_id else None
    return RoutingSubject(
        kind=kind,
        priority=priority,
        service_id=service.pk,
        service_code=service.code,
        service_directorate_id=service.directorate_id,
        service_area_id=service.area_id,
        service_area_directorate_id=service.area_directorate_id,
        channel_id=channel_id,
        channel_code=catalog.channels[channel_id],
        office_id=office_id,
        office_code=office[0] if office else None,
        state=office[1] if office else None,
        contact_type=contact_type,
        text=f"{subject} {description}",
    )


@dataclass
class _Tally:
    """Where the replayed cases went, and where they would go."""

    moves: Counter[tuple[int, int]] = field(default_factory=Counter)
    before: Counter[int] = field(default_factory=Counter)
    after: Counter[int] = field(default_factory=Counter)

    def add(self, report: DryRunReport, routed_area: int, decided_area: int) -> None:
        report.total += 1
        self.before[routed_area] += 1
        self.after[decided_area] += 1
        if decided_area == routed_area:
            report.unchanged += 1
        else:
            report.changed += 1
            self.moves[(routed_area, decided_area)] += 1

    def summarize(self, report: DryRunReport, catalog: _Catalog) -> None:
        """The moves, largest first, and the areas whose count changes, by code."""
        codes = catalog.codes
        report.moves = [
            DryRunMove(*codes(source), *codes(target), cases=count)
            for (source, target), count in sorted(
                self.moves.items(),
                key=lambda item: (-item[1], codes(item[0][0]), codes(item[0][1])),
            )
        ]
        report.areas = sorted(
            (
                AreaShift(*codes(area), before=self.before[area], after=self.after[area])
                for area in set(self.before) | set(self.after)
                if self.before[area] != self.after[area]
            ),
            key=lambda shift: (shift.directorate, shift.area),
        )


# One transaction: the chunked read's server-side cursor then needs no WITH HOLD (pgbouncer in
# transaction mode), and every chunk sees the same snapshot.
@transaction.atomic
def routing_dry_run(since: dt.date, rules: Sequence[RuleSpec]) -> DryRunReport:
    """Replay the cases received since `since` (local date, Mexico City) through `rules`.

    Reads only: the catalog once, the cases in chunks (`case_received_idx`) and, per chunk, their
    first CREATED and ROUTED events — a query count that grows with chunks, not with cases.
    """
    start = dt.datetime.combine(since, dt.time.min, tzinfo=REPORT_TZ)
    catalog = _Catalog.load()
    rows = _replayed_cases(start)
    report = DryRunReport(since=since, rules=len(rules))
    tally = _Tally()
    for batch in _batches(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        intake, first_routed = _first_events([row[0] for row in batch])
        for row in batch:
            subject = _subject(row, intake, catalog)
            routed_area = first_routed.get(row[0])
            if routed_area is None:
                report.never_routed += 1
                routed_area = subject.service_area_id
            tally.add(report, routed_area, routing_decide(subject, rules).area_id)
    tally.summarize(report, catalog)
    return report
