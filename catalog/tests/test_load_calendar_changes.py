"""load_reference_data and open cases: a calendar whose open time changed is previewed, and
repaired only with --repair-sla (ADR 0014)."""

from __future__ import annotations

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cases.events import Actor
from cases.models import Case, CaseEvent
from catalog.reference_data import DEFAULT_DIRECTORY
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MX)
DUE = dt.datetime(2026, 12, 7, 18, 0, tzinfo=MX)
NEW_DUE = dt.datetime(2026, 12, 8, 18, 0, tzinfo=MX)
SUSPENSION = """year: 2026
source: "Acuerdo de prueba"
calendars: [INSTITUCIONAL]
days:
  - {date: 2026-11-18, name: "Suspensión de plazos"}
"""


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    target = tmp_path / "reference_data"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    (target / "dias_inhabiles" / "2026_suspension.yaml").write_text(SUSPENSION, encoding="utf-8")
    return target


def test_load_previews_and_leaves_cases_alone_without_the_flag(agent, directory):
    case = make_case(Actor(user=agent), now=RECEIVED)
    out = StringIO()
    call_command("load_reference_data", "--directory", str(directory), stdout=out)
    text = out.getvalue()
    assert "Cambió el tiempo hábil del calendario INSTITUCIONAL." in text
    assert "Calendario INSTITUCIONAL: 1 casos abiertos, 1 cambiarían." in text
    assert "sla_repair --calendar INSTITUCIONAL" in text
    assert "CESI_CDMX" not in text.split("Datos de referencia cargados")[1]
    assert Case.objects.get(pk=case.pk).resolution_due_at == DUE
    assert not CaseEvent.objects.filter(kind="sla_recomputed").exists()


def test_load_with_repair_sla_recomputes_the_open_cases(
    agent, directory, django_capture_on_commit_callbacks
):
    case = make_case(Actor(user=agent), now=RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "load_reference_data", "--directory", str(directory), "--repair-sla", stdout=StringIO()
        )
    assert Case.objects.get(pk=case.pk).resolution_due_at == NEW_DUE
    assert CaseEvent.objects.filter(case=case, kind="sla_recomputed").count() == 1
    # Loading again changes no open time and repairs nothing more
    out = StringIO()
    call_command("load_reference_data", "--directory", str(directory), "--repair-sla", stdout=out)
    assert "Cambió el tiempo hábil" not in out.getvalue()
