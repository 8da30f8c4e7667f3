"""GET /api/v1/indicators/ and /api/v1/targets/ (SPEC §8) for API clients and each role."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.services import api_client_create
from cases.events import Actor
from catalog.models import Directorate
from channels.models import Channel
from indicators.metrics import METRICS
from indicators.models import Target
from indicators.services import indicators_refresh

from .support import WED, act, new_case

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
URL = "/api/v1/indicators/?from=2026-11-18&to=2026-11-18"


def _client(scopes=("indicators:read",)):  # type: ignore[no-untyped-def]
    _c, key = api_client_create("tablero", "MICUENTA", list(scopes))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _session(user):  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_login(user)
    return api


@pytest.fixture
def two_cases(agent, area_staff):  # type: ignore[no-untyped-def]
    """One queja on MICUENTA (OPERACIONES), one precalificación at the agent's Cesi, resolved."""
    desk = Actor(user=agent)
    new_case(desk, WED)
    cesi = new_case(
        desk, WED, service="PRECALIFICACION", channel="CESI", office="CESI_CDMX_BENITO_JUAREZ"
    )
    act(cesi, "resolve", desk, WED + dt.timedelta(minutes=30))
    indicators_refresh(WED + dt.timedelta(hours=1))


def test_a_client_reads_every_metric_per_channel(two_cases):
    response = _client().get(URL + "&group_by=channel")

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-11-18", "2026-11-18", ["channel"])
    assert [(r["channel"], r["received"], r["resolutions"]) for r in body["rows"]] == [
        ("CESI", 1, 1),
        ("MICUENTA", 1, 0),
    ]
    assert list(body["rows"][0]) == ["channel", *METRICS]
    assert body["rows"][1]["sla_compliance_pct"] is None


def test_filters_take_comma_separated_codes(two_cases):
    body = _client().get(URL + "&channel=CESI,MICUENTA&directorate=OPERACIONES").json()

    assert [r["received"] for r in body["rows"]] == [1]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-11-31&to=2026-12-01", "from"),
        ("?from=2026-11-18", "to"),
        ("?from=2026-11-18&to=2026-11-01", "to"),
        ("?from=2026-11-18&to=2026-11-18&group_by=channel,semana", "group_by"),
        ("?from=2026-11-18&to=2026-11-18&channel=NOPE", "channel"),
    ],
)
def test_bad_queries_are_problems(query, field):
    response = _client().get("/api/v1/indicators/" + query)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("path", ["/api/v1/indicators/", "/api/v1/targets/"])
def test_the_endpoints_need_the_scope(path):
    assert _client(["cases:read"]).get(path).status_code == 403
    assert APIClient().get(path).status_code == 401


def test_an_agent_sees_only_their_office(two_cases, agent):
    body = _session(agent).get(URL).json()

    assert [(r["received"], r["resolutions"]) for r in body["rows"]] == [(1, 1)]


def test_area_staff_see_only_their_area(two_cases, area_staff):
    assert _session(area_staff).get(URL).json()["rows"] == []


def test_a_national_supervisor_sees_everything(two_cases, supervisor):
    assert [r["received"] for r in _session(supervisor).get(URL).json()["rows"]] == [2]


def test_targets_are_evaluated(two_cases, supervisor, agent):
    Target.objects.create(
        name="Casos recibidos en Cesi",
        metric="received",
        channel=Channel.objects.get(code="CESI"),
        period_kind="custom",
        date_from=dt.date(2026, 11, 18),
        date_to=dt.date(2026, 11, 18),
        value=Decimal(1),
    )
    Target.objects.create(
        name="Pocas quejas",
        metric="received",
        directorate=Directorate.objects.get(code="OPERACIONES"),
        period_kind="custom",
        date_from=dt.date(2026, 11, 18),
        date_to=dt.date(2026, 11, 18),
        value=Decimal(0),
        direction="at_most",
    )

    response = _session(supervisor).get("/api/v1/targets/")

    assert response.status_code == 200
    assert [
        (t["name"], t["actual"], t["status"], t["channel"], t["directorate"])
        for t in response.json()
    ] == [
        ("Casos recibidos en Cesi", 1, "met", "CESI", None),
        ("Pocas quejas", 1, "missed", None, "OPERACIONES"),
    ]
    assert response.json()[0]["period"] == {
        "kind": "custom",
        "from": "2026-11-18",
        "to": "2026-11-18",
    }
    assert _session(agent).get("/api/v1/targets/").status_code == 403
    assert [t["name"] for t in _client().get("/api/v1/targets/?channel=CESI").json()] == [
        "Casos recibidos en Cesi"
    ]
