"""What a calendar change does to the cases counting on it: a port the cases app fills (ADR 0014).

Channels knows no cases (STYLE.md floors). The cases app names, when it starts, the two functions
that preview and start the recomputation of a calendar's open cases, by dotted path; they are
looked up when first called. Nothing here imports a model (the calendar and the notice are typed
as any model), so ``cases.apps`` may import this module before the app registry is ready.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Model
from django.utils.module_loading import import_string

from businesstime.calendar_spec import CalendarSpec


@dataclass(frozen=True)
class CalendarChangePort:
    """Dotted paths of the two functions the cases app provides.

    ``preview(calendar_id, spec, now) -> dict``: what recomputing its open cases on ``spec``
    changes. ``repair(calendar, notice, now) -> None``: start recomputing them (inside the
    caller's transaction; the work itself is queued on commit).
    """

    preview_path: str
    repair_path: str

    def preview(self, calendar_id: int, spec: CalendarSpec, now: dt.datetime) -> dict:
        return import_string(self.preview_path)(calendar_id, spec, now)

    def repair(self, calendar: Model, notice: Model | None, now: dt.datetime) -> None:
        import_string(self.repair_path)(calendar, notice, now)


_port: list[CalendarChangePort] = []


def calendar_change_port_set(port: CalendarChangePort) -> None:
    _port[:] = [port]


def calendar_change_port() -> CalendarChangePort:
    if not _port:
        raise RuntimeError("The cases app did not register the calendar-change port.")
    return _port[0]
