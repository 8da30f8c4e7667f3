"""A case's due instants recomputed from its own SLA snapshot on a (new) calendar. Pure.

Used when the calendar a case counts on changes after the case was created (a DOF notice of
días inhábiles, a regional suspension of terms, corrected weekly hours): the case's targets
(value and unit of first response and resolution, warning %, its one extension) and its history
(received_at, each wait served, the extension if granted) are replayed on the new calendar
exactly as the services applied them when they happened (``cases.sla.policy``):

1. base terms from ``received_at`` (``clock.due_at``, ``clock.warn_at``);
2. in the order they happened, each ended wait pushes resolution due and warn_at back in the
   resolution's unit (warn_at truncated to the second) and first-response due in its own unit
   while no first response had been given when the wait ended; the extension is counted from
   the resolution due of that moment and re-applies the warning share to it.

A wait still running is not replayed: its extension is applied when it ends, as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from businesstime import clock
from businesstime.calendar_spec import CalendarSpec


@dataclass(frozen=True)
class Wait:
    """A wait served (``paused_from`` to ``paused_to``), from a pause-ending event's data."""

    start: datetime
    end: datetime


EXTENSION = "extension"  # the term's one extension, in the history


@dataclass(frozen=True)
class Snapshot:
    """What a case keeps of its SLA (SPEC §6), as plain data."""

    received_at: datetime
    first_response: tuple[int, str] | None
    resolution: tuple[int, str]
    warn_pct: int
    extension_value: int | None
    first_response_at: datetime | None
    history: tuple[Wait | str, ...] = ()


@dataclass(frozen=True)
class Dues:
    first_response_due_at: datetime | None
    resolution_due_at: datetime
    warn_at: datetime
    paused_open_seconds: int


def recompute_dues(spec: CalendarSpec, snap: Snapshot) -> Dues:
    """The case's instants on ``spec`` (see the module docstring)."""
    value, unit = snap.resolution
    due = clock.due_at(spec, snap.received_at, value, unit)
    warn = clock.warn_at(spec, snap.received_at, due, unit, snap.warn_pct)
    first = None
    if snap.first_response is not None:
        first = clock.due_at(spec, snap.received_at, *snap.first_response)
    paused_open = 0
    for move in snap.history:
        if isinstance(move, Wait):
            due = clock.extend_for_pause(spec, due, move.start, move.end, unit)
            warn = clock.truncate_to_second(
                clock.extend_for_pause(spec, warn, move.start, move.end, unit)
            )
            # The services extend first-response due only while none was given at the resume.
            given = snap.first_response_at is not None and snap.first_response_at < move.end
            if first is not None and not given:
                first = clock.extend_for_pause(
                    spec,
                    first,
                    move.start,
                    move.end,
                    snap.first_response[1],  # type: ignore[index]
                )
            paused_open += int(clock.open_time_between(spec, move.start, move.end).total_seconds())
        elif move == EXTENSION and snap.extension_value:
            extended = clock.due_at(spec, due, snap.extension_value, unit)
            warn = clock.warn_at(spec, due, extended, unit, snap.warn_pct)
            due = extended
    return Dues(first, due, warn, paused_open)
