"""The in-process schedule (`run_schedule`): the embedded mode's periodic work (SPEC §11)."""

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from cases.events import Actor
from cases.models import CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create
from contacts.services import ContactInput
from infonavit_atencion.celery import app
from infonavit_atencion.core.schedule import InProcessScheduler

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)  # a Wednesday, business hours
ROOT = Path(__file__).resolve().parents[3]


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.mark.django_db
def test_a_due_entry_runs_and_one_not_yet_due_does_not(monkeypatch):
    clock = FakeClock(RECEIVED)
    scheduler = InProcessScheduler(
        {
            "sla-monitor": {"task": "cases.tasks.run_sla_monitor", "schedule": 60.0},
            "close-resolved": {"task": "cases.tasks.close_resolved_cases", "schedule": 3600.0},
        },
        clock=clock,
    )
    ran: list[str] = []
    monkeypatch.setattr(
        app.tasks["cases.tasks.run_sla_monitor"], "apply", lambda **kw: ran.append("sla")
    )
    monkeypatch.setattr(
        app.tasks["cases.tasks.close_resolved_cases"], "apply", lambda **kw: ran.append("close")
    )

    assert scheduler.tick()[0] == []  # like beat: the first turn is one interval after start
    clock.now = RECEIVED + dt.timedelta(seconds=61)
    names, wait = scheduler.tick()

    assert names == ["sla-monitor"]
    assert ran == ["sla"]
    assert 0 < wait <= 60
    clock.now = RECEIVED + dt.timedelta(seconds=90)
    assert scheduler.tick()[0] == []  # not again before its next interval
    clock.now = RECEIVED + dt.timedelta(hours=1, seconds=1)
    assert scheduler.tick()[0] == ["sla-monitor", "close-resolved"]


@pytest.mark.django_db
def test_a_failing_task_is_logged_and_the_others_still_run(monkeypatch):
    clock = FakeClock(RECEIVED)
    scheduler = InProcessScheduler(
        {
            "sla-monitor": {"task": "cases.tasks.run_sla_monitor", "schedule": 60.0},
            "close-resolved": {"task": "cases.tasks.close_resolved_cases", "schedule": 60.0},
        },
        clock=clock,
    )
    ran: list[str] = []

    def boom(**kw):
        raise RuntimeError("sin conexión")

    monkeypatch.setattr(app.tasks["cases.tasks.run_sla_monitor"], "apply", boom)
    monkeypatch.setattr(
        app.tasks["cases.tasks.close_resolved_cases"], "apply", lambda **kw: ran.append("close")
    )
    clock.now = RECEIVED + dt.timedelta(minutes=2)

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("infonavit_atencion.core.schedule")
    logger.addHandler(handler)
    try:
        assert scheduler.tick()[0] == ["sla-monitor", "close-resolved"]
    finally:
        logger.removeHandler(handler)
    assert ran == ["close"]
    assert [r.getMessage() for r in records] == [
        "La tarea periódica sla-monitor (cases.tasks.run_sla_monitor) falló."
    ]


@pytest.mark.django_db
def test_the_project_schedule_turns_a_short_sla_case_at_risk_then_breached(agent, monkeypatch):
    # A 60-business-minute service (INMEDIATA_60MIN, warned at half its term) taken at a counter.
    case = case_create(
        CaseInput(
            service="PRECALIFICACION",
            channel="CESI",
            office="CESI_CDMX_BENITO_JUAREZ",
            contact=ContactInput(given_names="Ana", first_surname="Pérez"),
            description="Quiero saber cuántos puntos tengo.",
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    case = case_route(case.pk, RECEIVED)
    assert case is not None
    assert case.resolution_due_at - case.received_at == dt.timedelta(minutes=60)
    clock = FakeClock(RECEIVED + dt.timedelta(minutes=1))
    monkeypatch.setattr(timezone, "now", clock)  # the tasks read the time from here
    scheduler = InProcessScheduler(settings.CELERY_BEAT_SCHEDULE, clock=clock)

    clock.now = case.warn_at + dt.timedelta(seconds=1)
    assert "sla-monitor" in scheduler.tick()[0]
    case.refresh_from_db()
    assert case.sla_state == "at_risk"

    clock.now = case.resolution_due_at + dt.timedelta(seconds=1)
    assert "sla-monitor" in scheduler.tick()[0]
    case.refresh_from_db()
    assert case.sla_state == "breached"
    assert CaseEvent.objects.filter(case=case, kind="sla_warning").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="sla_breached").count() == 1


def test_the_loop_returns_when_asked_to_stop():
    scheduler = InProcessScheduler(
        {"sla-monitor": {"task": "cases.tasks.run_sla_monitor", "schedule": 60.0}}
    )
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,))
    thread.start()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_the_command_stops_cleanly_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_schedule"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # printed once the loop is about to start
        assert first.startswith("Tareas periódicas en este proceso: sla-monitor, sweep-unrouted,")
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "Tareas periódicas detenidas."
