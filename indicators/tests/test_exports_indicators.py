"""Indicator-table exports: the API's query and numbers, the person's scope, big tables as jobs."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from cases.events import Actor
from indicators.metrics import METRICS
from indicators.models import ExportJob
from indicators.services import indicators_refresh

from .support import WED, act, as_dicts, body_of, csv_rows, new_case, xlsx_rows

pytestmark = pytest.mark.django_db
URL = "/exportaciones/indicadores/"
DAY = {"from": "2026-11-18", "to": "2026-11-18"}


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def two_cases(agent):  # type: ignore[no-untyped-def]
    """One queja on MICUENTA (OPERACIONES), one precalificación at the agent's Cesi, resolved."""
    desk = Actor(user=agent)
    new_case(desk, WED)
    cesi = new_case(
        desk, WED, service="PRECALIFICACION", channel="CESI", office="CESI_CDMX_BENITO_JUAREZ"
    )
    act(cesi, "resolve", desk, WED + dt.timedelta(minutes=30))
    indicators_refresh(WED + dt.timedelta(hours=1))


def test_the_csv_carries_the_apis_numbers_with_names(client, supervisor, two_cases):
    client.force_login(supervisor)
    api = APIClient()
    api.force_login(supervisor)

    response = client.get(URL, {**DAY, "group_by": "channel", "formato": "csv"})
    expected = api.get("/api/v1/indicators/", {**DAY, "group_by": "channel"}).json()["rows"]

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="indicadores-2026-11-18-2026-11-18-'
    )
    header, *rows = csv_rows(body_of(response))
    assert header[:4] == ["Canal (clave)", "Canal", "Recibidos", "Quejas por cada 1,000 recibidos"]
    assert len(header) == 2 + len(METRICS)
    assert [(row[0], row[1]) for row in rows] == [
        ("CESI", "Centro de Servicio Infonavit (Cesi)"),
        ("MICUENTA", "Mi Cuenta Infonavit (portal)"),
    ]
    for row, api_row in zip(rows, expected, strict=True):
        numbers = ["" if api_row[m] is None else str(api_row[m]) for m in METRICS]
        assert row[2:] == numbers


def test_an_agent_exports_only_their_office(client, agent, two_cases):
    client.force_login(agent)

    response = client.get(URL, {**DAY, "formato": "xlsx"})

    records = as_dicts(xlsx_rows(response.content))
    assert [(r["Recibidos"], r["Resoluciones"]) for r in records] == [(1, 1)]


def test_groups_by_day_and_kind_read_back_as_dates_and_names(client, supervisor, two_cases):
    client.force_login(supervisor)

    response = client.get(URL, {**DAY, "group_by": ["day", "kind"], "formato": "xlsx"})

    records = as_dicts(xlsx_rows(response.content))
    assert [(r["Día"].date(), r["Tipo"], r["Recibidos"]) for r in records] == [
        (dt.date(2026, 11, 18), "Queja", 1),
        (dt.date(2026, 11, 18), "Servicio", 1),
    ]
    notes = dict(xlsx_rows(response.content, "Parámetros"))
    assert notes["Periodo"] == "2026-11-18 – 2026-11-18"
    assert notes["Agrupado por"] == "Día, Tipo"


def test_a_bad_query_shows_the_form_with_the_reason(client, supervisor):
    client.force_login(supervisor)

    response = client.get(URL, {"from": "2026-11-18", "to": "2026-11-01", "formato": "csv"})
    unknown = client.get(URL, {**DAY, "channel": "NOPE", "formato": "csv"})

    assert response.status_code == 400
    assert "La fecha final es anterior a la inicial." in response.content.decode()
    assert unknown.status_code == 400
    assert "No existe la clave «NOPE»." in unknown.content.decode()
    assert client.get(URL).status_code == 200  # no query: the form


def test_a_large_table_asks_first_then_becomes_a_job(
    client, supervisor, two_cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client.force_login(supervisor)
    query = {**DAY, "group_by": "channel", "formato": "csv"}

    confirm = client.get(URL, query)
    assert confirm.status_code == 200
    assert "La tabla tiene 2 filas" in confirm.content.decode()
    assert not ExportJob.objects.exists()  # a GET never writes

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, query)
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exportaciones/{job.pk}/"
    assert (job.kind, job.status, job.rows_done) == ("indicators", "done", 2)
    content = b"".join(client.get(f"/exportaciones/{job.pk}/descargar/").streaming_content)
    assert [row[0] for row in csv_rows(content)[1:]] == ["CESI", "MICUENTA"]
