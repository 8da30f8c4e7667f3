"""The periodic work (CELERY_BEAT_SCHEDULE) run in-process, for the embedded mode with no broker.

`celery beat` needs a broker to publish to. Without REDIS_URL tasks run in-process, so
`manage.py run_schedule` (started by scripts/run.sh beside the server) runs each entry of the
same schedule at its interval or crontab, like beat: an entry first falls due one interval after
start, a failing task is logged and retried at its next turn, and the loop stops between tasks
on SIGTERM / SIGINT.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The project's app (infonavit_atencion/__init__.py makes it current); core imports nothing above.
from celery import current_app as app
from celery.schedules import BaseSchedule, schedule
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
# Never sleep longer than this, so a changed clock or a stop request is noticed soon.
MAX_SLEEP_SECONDS = 30.0


@dataclass
class Entry:
    name: str
    task: str
    schedule: BaseSchedule
    last_run_at: dt.datetime
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def _schedule_for(value: Any, clock: Clock) -> BaseSchedule:
    """A Celery schedule reading the time from `clock` (seconds and timedeltas become intervals)."""
    if isinstance(value, int | float):
        value = dt.timedelta(seconds=value)
    if isinstance(value, dt.timedelta):
        return schedule(value, nowfun=clock, app=app)
    own = copy.copy(value)  # never touch the settings' object
    own.nowfun = clock
    own.app = app
    return own


def entries_from(beat_schedule: Mapping[str, Mapping[str, Any]], clock: Clock) -> list[Entry]:
    now = clock()
    return [
        Entry(
            name=name,
            task=spec["task"],
            schedule=_schedule_for(spec["schedule"], clock),
            last_run_at=now,
            args=tuple(spec.get("args", ())),
            kwargs=dict(spec.get("kwargs", {})),
        )
        for name, spec in beat_schedule.items()
    ]


def _release_stale_connection() -> None:
    """What a worker does around each task: drop a connection that failed or outlived
    CONN_MAX_AGE. Not inside a caller's transaction (tests), which closing would break."""
    if not connection.in_atomic_block:
        close_old_connections()


class InProcessScheduler:
    """Runs due entries eagerly, one after the other, in this process."""

    def __init__(
        self, beat_schedule: Mapping[str, Mapping[str, Any]], clock: Clock | None = None
    ) -> None:
        self.clock: Clock = clock or app.now
        # What a worker or beat does at start: import every app's tasks module (autodiscovery).
        app.loader.import_default_modules()
        for spec in beat_schedule.values():
            app.tasks[spec["task"]]  # an unknown task name fails now, not at its first turn
        self.entries = entries_from(beat_schedule, self.clock)

    def tick(self) -> tuple[list[str], float]:
        """Run every due entry; the names run and the seconds until the next one may be due."""
        ran = []
        wait = MAX_SLEEP_SECONDS
        for entry in self.entries:
            due, next_check = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = self.clock()
                self._run(entry)
                ran.append(entry.name)
                _, next_check = entry.schedule.is_due(entry.last_run_at)
            wait = min(wait, next_check)
        return ran, max(wait, 0.0)

    def _run(self, entry: Entry) -> None:
        _release_stale_connection()
        try:
            app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs, throw=True)
        except Exception:  # the next turn tries again, as beat would with a failed task
            logger.exception("La tarea periódica %s (%s) falló.", entry.name, entry.task)
        finally:
            _release_stale_connection()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            _, wait = self.tick()
            stop.wait(wait)
