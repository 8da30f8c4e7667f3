"""SQL injection: hostile text in searches, filters, ordering, cursors, headers and identifiers.

Every query is built by the ORM (or with bound parameters): a payload is a value, never SQL.
Each request answers below 500, returns no row it should not (the outsider sees nothing; the
text search finds nothing, since no case contains the payload), and every table is intact.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test import Client

from cases.models import Case, CaseEvent
from contacts.models import Contact

from .support import World

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "' OR 1=1--",
    "1;DROP TABLE cases_case",
    '" OR ""="',
    "1) OR (1=1",
    "%' OR 1=1 --",
    "\\'; SELECT pg_sleep(5);--",
    "\x00",
]
API_PARAMETERS = [
    "q",
    "status",
    "kind",
    "service",
    "channel",
    "office",
    "directorate",
    "area",
    "assignee",
    "sla_state",
    "received_after",
    "received_before",
    "nss",
    "curp",
    "external_reference",
    "ordering",
    "page_size",
    "cursor",
]
QUEUE_PARAMETERS = ["q", "cola", "orden", "service", "area", "status", "sla", "cursor", "prioridad"]


def _intact(counts: tuple[int, int, int]) -> None:
    assert (Case.objects.count(), CaseEvent.objects.count(), Contact.objects.count()) == counts
    tables = set(connection.introspection.table_names())
    assert {"cases_case", "cases_caseevent", "contacts_contact", "auth_user"} <= tables


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), CaseEvent.objects.count(), Contact.objects.count()


def _forged_cursor(value: str) -> str:
    raw = json.dumps({"o": "-received_at", "v": value, "i": "1 OR 1=1", "b": 0}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _nul(payload: str) -> bool:
    return "\x00" in payload  # refused as a whole by RequestGuardMiddleware (400)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_api_list_parameters_take_payloads_as_values(world: World, payload):
    counts = _counts()
    callers = {
        "stranger": world.api("stranger"),
        "agent_tijuana": world.session("agent_tijuana"),
        "owner": world.api("owner"),
    }
    for parameter in API_PARAMETERS:
        value = _forged_cursor(payload) if parameter == "cursor" else payload
        for name, caller in callers.items():
            response = caller.get("/api/v1/cases/", {parameter: value})
            where = (parameter, name, response.status_code)
            assert response.status_code in ((400,) if _nul(value) else (200, 400)), where
            if response.status_code != 200:
                continue
            results = response.json()["results"]
            if name != "owner" or parameter in ("q", "nss", "curp", "external_reference"):
                assert results == [], where
    _intact(counts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_queue_parameters_take_payloads_as_values(world, payload):
    counts = _counts()
    for parameter in QUEUE_PARAMETERS:
        value = _forged_cursor(payload) if parameter == "cursor" else payload
        expected = 400 if _nul(value) else 200
        outsider = world.session("agent_tijuana").get("/casos/", {"cola": "all", parameter: value})
        assert outsider.status_code == expected, parameter
        assert world.case.folio not in outsider.content.decode()
        insider = world.session("agent").get("/casos/", {"cola": "office", parameter: value})
        assert insider.status_code == expected, parameter
        if parameter == "q":
            assert world.case.folio not in insider.content.decode()
    _intact(counts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_case_addresses_take_payloads_as_folios(world, payload):
    counts = _counts()
    expected = 400 if "\x00" in payload else 404  # RequestGuardMiddleware refuses a NUL
    for path in ("/api/v1/cases/{}/", "/api/v1/cases/{}/events/", "/api/v1/cases/{}/comments/"):
        response = world.api("owner").get(path.format(payload.replace("/", "")))
        assert response.status_code == expected, (path, payload)
    page = world.session("agent").get(f"/casos/{payload.replace('/', '')}/")
    assert page.status_code == expected
    _intact(counts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_public_look_up_takes_payloads_as_values(world, payload, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = ""  # this test is not about guessing
    counts = _counts()
    folio = world.case.folio
    api = Client().get(f"/api/v1/public/cases/{folio}/", {"code": payload})
    assert api.status_code == (400 if _nul(payload) else 404)
    page = Client().post("/consulta/", {"folio": folio, "code": payload})
    assert page.status_code in (400, 404)
    page = Client().post("/consulta/", {"folio": payload, "code": world.case.tracking_code})
    assert page.status_code in (400, 404)
    _intact(counts)


@pytest.mark.parametrize(
    "url",
    [
        "/atencion/registro/contactos/?contact_q={}",
        "/atencion/registro/servicios/?channel=CESI&service_q={}",
        "/atencion/registro/servicios/?channel={}",
        "/atencion/registro/servicios/informacion/?service={}&channel=CESI",
        "/atencion/registro/identificador/nss/?nss={}",
        "/atencion/registro/identificador/curp/?curp={}",
        "/tablero/?from={}&channel={}",
        "/tablero/casos/?metric=received&channel={}&key={}",
        "/encuesta/{}/",
    ],
)
def test_intake_dashboard_and_survey_parameters_take_payloads_as_values(world, url):
    counts = _counts()
    session = world.session("supervisor")
    for payload in PAYLOADS:
        response = session.get(url.format(payload, payload))
        assert response.status_code < 500, (url, payload, response.status_code)
        if "contact_q" in url:
            assert "Ana" not in response.content.decode(), payload  # matched no contact
    _intact(counts)


@pytest.mark.parametrize("payload", PAYLOADS[:-1])  # a NUL is not a visible ASCII header value
def test_an_idempotency_key_is_a_value(world, payload):
    payload = payload.replace(" ", "")  # a key is visible ASCII: no spaces
    body = {
        "service": "QUEJA_CANALES_DIGITALES",
        "office": "CESI_CDMX_BENITO_JUAREZ",
        "contact": {"given_names": "Luis", "first_surname": "Gómez"},
        "description": "Caso con llave hostil",
    }
    api = world.api("owner")
    first = api.post("/api/v1/cases/", body, format="json", headers={"Idempotency-Key": payload})
    again = api.post("/api/v1/cases/", body, format="json", headers={"Idempotency-Key": payload})
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json()["folio"] == first.json()["folio"]
    assert Case.objects.filter(description="Caso con llave hostil").count() == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_fields_store_payloads_verbatim(world, payload):
    text = payload.replace("\x00", "") or "x"
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/comments/",
        {"body": text, "public": False},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["body"] == text.strip()
    assert Case.objects.filter(pk=world.case.pk).exists()


def test_a_nul_byte_in_json_text_is_refused_not_a_server_error(world):
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/comments/", {"body": "a\x00b"}, format="json"
    )
    assert response.status_code in (201, 400)
