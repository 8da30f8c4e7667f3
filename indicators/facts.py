"""What one case contributes to the indicators, replayed from its events (SPEC §7). Pure.

:func:`case_facts` walks a case's timeline (oldest first) and yields

* **facts**: one per counted event — ``received`` (dated by ``received_at``), ``resolution``,
  ``first_response``, ``reopen`` and ``survey`` (dated by the event), each with the dimensions
  the case had at that event (for ``received``: channel, office, service and kind at creation,
  directorate and area of the first routing, or the owning ones of a resolution at intake);
* **spells**: maximal periods during which the case was open with the same dimensions and the
  same resolution due instant; backlog at any instant T is the spells with start < T ≤ end.

Due instants "at that moment" are those the services held then. When nothing moved them (no
pause ended, no reclassification), they are the case's stored ones. Otherwise they are replayed
with the SLA clock exactly as the services do (``cases.services.workflow``): base terms from
``received_at``, each ended pause pushing resolution due back in its unit (first-response due
only while no first response was given), a reclassification recomputing from ``received_at``
with the new terms and re-applying the pauses so far, a calendar change (``sla_recomputed``)
setting the instants its event records; after the last such event the stored values apply
again.

Resolution hours are the open time of the case's calendar from ``received_at`` to the
resolution, minus the open time of the pauses that ended before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from businesstime import clock
from businesstime.calendar_spec import CalendarSpec

from .metrics import bucket_of, local_date

OPEN_STATUSES = frozenset({"new", "assigned", "in_progress", "waiting"})
RECEIVED, RESOLUTION, FIRST_RESPONSE, REOPEN, SURVEY = (
    "received",
    "resolution",
    "first_response",
    "reopen",
    "survey",
)
FACT_KINDS = (RECEIVED, RESOLUTION, FIRST_RESPONSE, REOPEN, SURVEY)


@dataclass(frozen=True)
class Dims:
    channel_id: int
    directorate_id: int | None
    area_id: int | None
    office_id: int | None
    service_id: int
    kind: str


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str
    at: datetime
    actor_user_id: int | None
    actor_client_id: int | None
    data: dict[str, Any]
    status: str
    dims: Dims


@dataclass(frozen=True)
class SlaTerms:
    calendar: CalendarSpec
    first_response: tuple[int, str] | None
    resolution: tuple[int, str]
    extension: int | None = None  # the one extension the term admits, in the resolution's unit


@dataclass(frozen=True)
class CaseRow:
    id: int
    received_at: datetime
    terms: SlaTerms  # the case's current snapshot
    resolution_due_at: datetime
    first_response_due_at: datetime | None


@dataclass(frozen=True)
class Fact:
    case_id: int
    metric: str
    at: datetime
    dims: Dims
    within_sla: bool | None = None
    fcr: bool = False
    resolution_ms: int | None = None
    csat: int | None = None
    nps: int | None = None

    @property
    def date(self):  # type: ignore[no-untyped-def]
        return local_date(self.at)

    @property
    def bucket(self) -> int | None:
        return None if self.resolution_ms is None else bucket_of(self.resolution_ms / 3_600_000)


@dataclass(frozen=True)
class Spell:
    case_id: int
    start_at: datetime
    end_at: datetime | None
    dims: Dims
    due_at: datetime

    def open_at(self, moment: datetime) -> bool:
        """Whether the case was open with these dimensions at ``moment`` (events at it count)."""
        return self.start_at < moment and (self.end_at is None or self.end_at >= moment)

    def breached_at(self, moment: datetime) -> bool:
        return self.open_at(moment) and self.due_at < moment


@dataclass
class CaseFacts:
    facts: list[Fact] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)


TermsFor = Callable[[int], SlaTerms]


def _survey_value(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


_MOVER_KINDS = ("reclassified", "sla_extended", "sla_recomputed")
RECOMPUTED = "sla_recomputed"  # a calendar change moved the dues: data has both sets (ADR 0014)


def _recomputed(event: EventRow, side: str) -> tuple[datetime, datetime | None]:
    """(resolution due, first-response due) an SLA_RECOMPUTED event records before or after."""
    instants = event.data[side]
    first = instants.get("first_response_due_at")
    return (
        datetime.fromisoformat(instants["resolution_due_at"]),
        datetime.fromisoformat(first) if first else None,
    )


class _Dues:
    """Resolution and first-response due instants as the case held them over time (the moves
    `cases.sla.policy.sla_replay` replays: waits, the term's extension, reclassifications)."""

    def __init__(self, case: CaseRow, events: list[EventRow], terms_for: TermsFor) -> None:
        self.case = case
        movers = [
            i for i, e in enumerate(events) if "paused_from" in e.data or e.kind in _MOVER_KINDS
        ]
        self.last_mover = movers[-1] if movers else -1
        # Waits (start, end) and extensions (None), in the order they happened.
        self.moves: list[tuple[datetime, datetime] | None] = []
        self.terms = case.terms
        if movers and any(e.kind == "reclassified" for e in events):
            self.terms = terms_for(events[0].dims.service_id)
        self.resolution, self.first_response = case.resolution_due_at, case.first_response_due_at
        if movers and events[movers[0]].kind == RECOMPUTED:
            # Nothing moved them before the calendar changed: they were what it recorded then.
            self.resolution, self.first_response = _recomputed(events[movers[0]], "from_instants")
        elif movers:
            self._recompute(first_response_given=False)

    def _recompute(self, first_response_given: bool) -> None:
        cal, received = self.terms.calendar, self.case.received_at
        self.resolution = clock.due_at(cal, received, *self.terms.resolution)
        fr = self.terms.first_response
        self.first_response = clock.due_at(cal, received, *fr) if fr else None
        for move in self.moves:
            if move is None:
                self._extend_term()
            else:
                self._extend(move[0], move[1], first_response_given)

    def _extend_term(self) -> None:
        """The term's one extension, kept only if the current terms admit one."""
        if self.terms.extension:
            unit = self.terms.resolution[1]
            self.resolution = clock.due_at(
                self.terms.calendar, self.resolution, self.terms.extension, unit
            )

    def _extend(self, start: datetime, end: datetime, first_response_given: bool) -> None:
        cal = self.terms.calendar
        self.resolution = clock.extend_for_pause(
            cal, self.resolution, start, end, self.terms.resolution[1]
        )
        if (
            self.first_response is not None
            and not first_response_given
            and self.terms.first_response
        ):
            unit = self.terms.first_response[1]
            self.first_response = clock.extend_for_pause(cal, self.first_response, start, end, unit)

    def apply(
        self, index: int, event: EventRow, first_response_given: bool, terms_for: TermsFor
    ) -> None:
        """Move the dues as ``event`` did (call after counting what happened at it)."""
        if index == self.last_mover:
            self.resolution = self.case.resolution_due_at
            self.first_response = self.case.first_response_due_at
            return
        if index > self.last_mover:
            return
        if "paused_from" in event.data:
            start = datetime.fromisoformat(event.data["paused_from"])
            end = datetime.fromisoformat(event.data["paused_to"])
            self.moves.append((start, end))
            self._extend(start, end, first_response_given)
        elif event.kind == "sla_extended":
            self.moves.append(None)
            self._extend_term()
        elif event.kind == "reclassified":
            self.terms = terms_for(event.dims.service_id)
            self._recompute(first_response_given)
        elif event.kind == RECOMPUTED:
            self.resolution, self.first_response = _recomputed(event, "to_instants")


def _same_actor(a: EventRow, b: EventRow) -> bool:
    if a.actor_user_id is None and a.actor_client_id is None:
        return False
    return (a.actor_user_id, a.actor_client_id) == (b.actor_user_id, b.actor_client_id)


def case_facts(case: CaseRow, events: Iterable[EventRow], terms_for: TermsFor) -> CaseFacts:
    """Facts and backlog spells of one case from its whole timeline."""
    timeline = sorted(events, key=lambda e: (e.at, e.id))
    out = CaseFacts()
    if not timeline:
        return out
    dues = _Dues(case, timeline, terms_for)
    created = next((e for e in timeline if e.kind == "created"), timeline[0])
    routed = next((e for e in timeline if e.kind == "routed"), None)
    placed = routed.dims if routed is not None else created.dims
    received_dims = Dims(
        created.dims.channel_id,
        placed.directorate_id,
        placed.area_id,
        created.dims.office_id,
        created.dims.service_id,
        created.dims.kind,
    )
    out.facts.append(Fact(case.id, RECEIVED, case.received_at, received_dims))
    received_date = local_date(case.received_at)
    paused_open_ms = 0
    first_response_given = False
    transferred = False
    spell_start: tuple[datetime, Dims, datetime] | None = None
    for index, event in enumerate(timeline):
        action = event.data.get("action") if event.kind == "status_changed" else None
        if action == "resolve":
            open_ms = (
                clock.open_time_between(case.terms.calendar, case.received_at, event.at) // _MS
            )
            fcr = (
                _same_actor(created, event)
                and local_date(event.at) == received_date
                and not transferred
            )
            out.facts.append(
                Fact(
                    case.id,
                    RESOLUTION,
                    event.at,
                    event.dims,
                    within_sla=event.at <= dues.resolution,
                    fcr=fcr,
                    resolution_ms=max(open_ms - paused_open_ms, 0),
                )
            )
        elif action == "reopen":
            out.facts.append(Fact(case.id, REOPEN, event.at, event.dims))
        elif event.kind == "survey_answered":
            out.facts.append(
                Fact(
                    case.id,
                    SURVEY,
                    event.at,
                    event.dims,
                    csat=_survey_value(event.data.get("csat"), 1, 5),
                    nps=_survey_value(event.data.get("nps"), 0, 10),
                )
            )
        responds = action == "resolve" or (
            event.kind == "commented" and event.data.get("first_response")
        )
        if responds and not first_response_given:
            due = dues.first_response
            out.facts.append(
                Fact(
                    case.id,
                    FIRST_RESPONSE,
                    event.at,
                    event.dims,
                    within_sla=due is None or event.at <= due,
                )
            )
            first_response_given = True
        if event.kind == "transferred":
            transferred = True
        if "paused_open_seconds" in event.data:
            paused_open_ms += int(event.data["paused_open_seconds"]) * 1000
        dues.apply(index, event, first_response_given, terms_for)
        state = (event.dims, dues.resolution) if event.status in OPEN_STATUSES else None
        current = (spell_start[1], spell_start[2]) if spell_start else None
        if state != current:
            if spell_start is not None and spell_start[0] < event.at:
                out.spells.append(
                    Spell(case.id, spell_start[0], event.at, spell_start[1], spell_start[2])
                )
            spell_start = (event.at, state[0], state[1]) if state else None
    if spell_start is not None:
        out.spells.append(Spell(case.id, spell_start[0], None, spell_start[1], spell_start[2]))
    return out


_MS = timedelta(milliseconds=1)
