"""`POST /api/v1/cases/`: the case JSON, validation, channel and office, idempotency aside
(see test_api_idempotency), and who may create (SPEC §8, §9)."""

import datetime as dt

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import (
    ANA_CURP,
    ANA_NSS,
    PROBLEM,
    READ_WRITE,
    client_for,
    payload,
    session_for,
)

from .support import CASE_KEYS, OFFSET, field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():  # type: ignore[no-untyped-def]
    return client_for("Portal Mi Cuenta", READ_WRITE)


# --- create -------------------------------------------------------------------------------------


def test_a_client_creates_a_case_and_gets_it_with_its_tracking_code(portal):
    api, client = portal

    # When the portal files a queja without naming its channel
    response = api.post("/api/v1/cases/", payload(priority="high"), format="json")

    # Then 201 with the case, on the client's channel, with a Location and the tracking code
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert list(body) == ["folio", "tracking_code", *CASE_KEYS[1:], "warnings"]
    assert response["Location"] == f"http://testserver/api/v1/cases/{case.folio}/"
    assert (body["folio"], body["tracking_code"]) == (case.folio, case.tracking_code)
    assert body["kind"] == "complaint"
    assert (body["status"], body["priority"], body["service"], body["channel"]) == (
        "new",
        "high",
        "QUEJA_CANALES_DIGITALES",
        "MICUENTA",
    )
    assert (body["office"], body["directorate"], body["area"], body["assignee"]) == (
        None,
        None,
        None,
        None,
    )
    assert body["subject"] == "No descarga la constancia"
    assert body["external_reference"] is None
    assert body["version"] == 1
    assert body["warnings"] == []
    # And NSS, CURP, e-mail and phone masked (no contacts:read: SPEC §9), the names as given
    assert body["contact"] == {
        "given_names": "Ana",
        "first_surname": "Pérez",
        "second_surname": "López",
        "type": "derechohabiente",
        "nss": "*******4431",
        "curp": "**************XN09",
        "rfc": "",
        "email": "***********.com",
        "phone": "******5678",
    }
    # And the SLA snapshot with offsets, on the INSTITUCIONAL calendar
    sla = body["sla"]
    assert list(sla) == [
        "first_response_due_at",
        "resolution_due_at",
        "warn_at",
        "first_response_at",
        "resolved_at",
        "state",
        "calendar",
    ]
    assert (sla["state"], sla["calendar"]) == ("on_track", "INSTITUCIONAL")
    assert (sla["first_response_at"], sla["resolved_at"]) == (None, None)
    for instant in (body["received_at"], body["created_at"], body["updated_at"], sla["warn_at"]):
        assert OFFSET.match(instant), instant
    assert dt.datetime.fromisoformat(sla["resolution_due_at"]) == case.resolution_due_at
    assert case.created_by_client == client


def test_a_client_with_contacts_read_sees_whole_identifiers():
    api, _ = client_for("Atención", [*READ_WRITE, Scope.CONTACTS_READ])
    body = api.post("/api/v1/cases/", payload(), format="json").json()
    assert (body["contact"]["nss"], body["contact"]["curp"]) == (ANA_NSS, ANA_CURP)
    assert (body["contact"]["email"], body["contact"]["phone"]) == ("ana@example.com", "5512345678")


def test_intake_warnings_are_codes(portal):
    api, _ = portal
    api.post("/api/v1/cases/", payload(), format="json")
    body = api.post("/api/v1/cases/", payload(), format="json").json()
    assert body["warnings"] == ["open_case_same_service"]


def test_an_anonymous_denuncia_has_no_contact_and_never_shows_the_sealed_identity():
    api, _ = client_for("Infonatel", READ_WRITE, channel="INFONATEL")
    body = payload(
        service="DENUNCIA_COYOTES",
        contact=None,
        anonymous=True,
        reporter_identity="Juan, 55 1234 5678",
        description="Un gestor cobra por tramitar créditos.",
    )
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["contact"] is None
    assert "Juan" not in response.content.decode()
    assert Case.objects.get().sealed_reporter_identity == "Juan, 55 1234 5678"


def test_the_channel_may_not_differ_from_the_clients(portal):
    api, _ = portal
    response = api.post("/api/v1/cases/", payload(channel="APP"), format="json")
    assert field_errors(response) == [("channel", "channel_mismatch")]
    assert not Case.objects.exists()


def test_a_presencial_case_needs_an_office_that_serves_the_channel():
    api, _ = client_for("Cesi kiosco", READ_WRITE, channel="CESI")

    without_office = api.post("/api/v1/cases/", payload(), format="json")
    not_served = api.post("/api/v1/cases/", payload(office="INFONATEL_CC"), format="json")
    unknown = api.post("/api/v1/cases/", payload(office="NO_EXISTE"), format="json")
    served = api.post("/api/v1/cases/", payload(office="CESI_CDMX_BENITO_JUAREZ"), format="json")

    assert field_errors(without_office) == [("office", "required")]
    assert field_errors(not_served) == [("office", "not_served")]
    assert field_errors(unknown) == [("office", "does_not_exist")]
    assert served.status_code == 201
    assert served.json()["office"] == "CESI_CDMX_BENITO_JUAREZ"
    assert served.json()["sla"]["calendar"] == "CESI_CDMX"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"service": "NO_EXISTE"}, [("service", "does_not_exist")]),
        ({"service": "CUMPLIMIENTO_RESOLUCION"}, [("service", "not_available_on_channel")]),
        ({"description": ""}, [("description", "blank")]),
        ({"priority": "altísima"}, [("priority", "invalid_choice")]),
        (
            {"contact": {"nss": "12345678901", "given_names": "Ana", "first_surname": "P"}},
            [("contact.nss", "nss_check_digit")],
        ),
        (
            {"contact": {"nss": ANA_NSS}},
            [("contact.given_names", "required"), ("contact.first_surname", "required")],
        ),
        ({"received_at": "2026-01-10T10:00:00"}, [("received_at", "naive")]),
        ({"received_at": "ayer"}, [("received_at", "invalid")]),
    ],
)
def test_malformed_bodies_are_400_problems_with_the_field(portal, change, expected):
    api, _ = portal
    response = api.post("/api/v1/cases/", payload(**change), format="json")
    assert field_errors(response) == expected
    assert not Case.objects.exists()


def test_received_at_may_not_be_in_the_future(portal):
    api, _ = portal
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert field_errors(api.post("/api/v1/cases/", payload(received_at=future), format="json")) == [
        ("received_at", "future")
    ]


def test_a_case_older_than_30_days_needs_cases_import(portal):
    api, _ = portal
    importer, _ = client_for("Migración", [*READ_WRITE, Scope.CASES_IMPORT])
    old = (timezone.now() - dt.timedelta(days=31)).isoformat()

    refused = api.post("/api/v1/cases/", payload(received_at=old), format="json")
    accepted = importer.post("/api/v1/cases/", payload(received_at=old), format="json")

    assert field_errors(refused) == [("received_at", "too_old")]
    assert accepted.status_code == 201, accepted.content
    assert dt.datetime.fromisoformat(accepted.json()["received_at"]) == dt.datetime.fromisoformat(
        old
    )


def test_a_second_case_with_the_same_external_reference_is_409(portal):
    api, _ = portal
    other, _ = client_for("Otro sistema", READ_WRITE)
    first = api.post("/api/v1/cases/", payload(external_reference="MC-1"), format="json")
    again = api.post("/api/v1/cases/", payload(external_reference="MC-1"), format="json")
    elsewhere = other.post("/api/v1/cases/", payload(external_reference="MC-1"), format="json")

    assert first.status_code == 201
    assert first.json()["external_reference"] == "MC-1"
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert "MC-1" in again.json()["detail"]
    assert elsewhere.status_code == 201  # unique per client
    assert Case.objects.count() == 2


def test_creating_needs_credentials_and_the_write_scope():
    reader, _ = client_for("Sólo lectura", [Scope.CASES_READ])
    assert APIClient().post("/api/v1/cases/", payload(), format="json").status_code == 401
    refused = reader.post("/api/v1/cases/", payload(), format="json")
    assert refused.status_code == 403
    assert "cases:write" in refused.json()["detail"]
    assert not Case.objects.exists()


def test_a_browser_user_creates_with_csrf_and_is_refused_without_it(agent):
    api = session_for(agent, csrf=True)
    body = payload(channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")

    without = api.post("/api/v1/cases/", body, format="json")
    assert without.status_code == 403
    assert without["Content-Type"] == PROBLEM

    request = RequestFactory().get("/")
    token = get_token(request)
    api.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    with_token = api.post("/api/v1/cases/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert with_token.status_code == 201, with_token.content
    assert with_token.json()["contact"]["nss"] == "*******4431"  # agents see masked identifiers
    assert Case.objects.get().created_by_user == agent


def test_a_browser_user_must_name_the_channel(agent):
    response = session_for(agent).post("/api/v1/cases/", payload(), format="json")
    assert field_errors(response) == [("channel", "required")]
