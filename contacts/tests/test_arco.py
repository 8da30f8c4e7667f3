"""ARCO requests: the catalog service, its legal term, and the right recorded at intake
(service, REST API and the browser intake form)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.services import CaseInput, case_create
from catalog.models import Service, ServiceChannel
from catalog.reference_data import reference_data_load
from contacts.models import ArcoRequest, ArcoRight
from contacts.services import ContactInput
from infonavit_atencion.core.errors import ValidationFailed
from tests.support.cases import PROBLEM, client_for, payload, session_for
from tests.support.intake import NOW, form_body, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Every `timezone.now()` answers Friday 13 November 2026, 10:00 in Mexico City."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


MEXICO = ZoneInfo("America/Mexico_City")
NEW_URL = "/atencion/registro/"
ANA = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431")


def _arco(agent, right: str, *, service: str = "DERECHOS_ARCO", channel: str = "CESI"):
    return case_create(
        CaseInput(
            service=service,
            channel=channel,
            office="CESI_CDMX_BENITO_JUAREZ",
            contact=ANA,
            description="Quiero saber qué datos míos tiene el Instituto.",
            arco_right=right,
        ),
        Actor(user=agent),
        NOW,
    )


# --- The catalog ---------------------------------------------------------------------------------


def test_the_arco_service_is_owned_by_transparency_with_the_legal_term_on_the_institutional_calendar():
    service = Service.objects.select_related("area__directorate", "sla_policy__calendar").get(
        code="DERECHOS_ARCO"
    )
    assert service.arco_request is True
    assert (service.area.code, service.area.directorate.code) == (
        "OPERACIONES_TRANSPARENCIA",
        "OPERACIONES",
    )
    policy = service.sla_policy
    assert (policy.code, policy.resolution_value, policy.resolution_unit) == (
        "ARCO_20DH",
        20,
        "business_days",
    )
    assert policy.calendar.code == "INSTITUCIONAL"
    channels = set(
        ServiceChannel.objects.filter(service=service, active=True).values_list(
            "channel__code", flat=True
        )
    )
    assert channels == {"ESCRITO", "CORREO", "MICUENTA", "DELEGACION", "CESI"}
    # Only the ARCO service asks for a right.
    assert list(Service.objects.filter(arco_request=True).values_list("code", flat=True)) == [
        "DERECHOS_ARCO"
    ]


def test_loading_the_reference_data_again_changes_nothing():
    report = reference_data_load()
    assert report.changed == 0


# --- Intake (the service) ------------------------------------------------------------------------


def test_an_arco_request_records_its_right_and_is_due_in_20_business_days(agent):
    # Given Friday 13 November 2026 10:00 (Monday 16 is a holiday), at a Cesi
    result = _arco(agent, ArcoRight.ACCESS)

    # Then the right is kept beside the case
    case = result.case
    assert ArcoRequest.objects.get(case=case).right == "access"
    # And the term runs on the institutional calendar, not the Cesi's: the 20th business day
    # after the 13th (17 Nov … 14 Dec) at its 18:00 closing
    assert case.sla_calendar.code == "INSTITUCIONAL"
    assert case.resolution_due_at == dt.datetime(2026, 12, 14, 18, 0, tzinfo=MEXICO)
    assert case.area is None and case.status == "new"  # routed on commit like any case


@pytest.mark.parametrize(
    ("service", "right", "code"),
    [
        ("DERECHOS_ARCO", "", "required"),
        ("DERECHOS_ARCO", "portability", "invalid_choice"),
        ("QUEJA_ATENCION_CESI", "access", "not_allowed"),
    ],
)
def test_a_missing_unknown_or_misplaced_right_is_refused_and_nothing_is_written(
    agent, service, right, code
):
    with pytest.raises(ValidationFailed) as refused:
        _arco(agent, right, service=service)

    assert [(e.field, e.code) for e in refused.value.errors] == [("arco_right", code)]
    assert Case.objects.count() == 0
    assert ArcoRequest.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_other_services_take_no_right_and_write_no_arco_row(agent):
    case_create(
        CaseInput(
            service="QUEJA_ATENCION_CESI",
            channel="CESI",
            office="CESI_CDMX_BENITO_JUAREZ",
            contact=ANA,
            description="Espera excesiva.",
        ),
        Actor(user=agent),
        NOW,
    )
    assert Case.objects.count() == 1
    assert ArcoRequest.objects.count() == 0


# --- REST API ------------------------------------------------------------------------------------


def test_the_api_registers_an_arco_request_with_its_right():
    api, _client = client_for("Portal", ["cases:read", "cases:write"], channel="MICUENTA")

    response = api.post(
        "/api/v1/cases/",
        payload(service="DERECHOS_ARCO", arco_right="rectification"),
        format="json",
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(folio=response.json()["folio"])
    assert case.arco_request.right == "rectification"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"service": "DERECHOS_ARCO"}, "required"),
        ({"service": "DERECHOS_ARCO", "arco_right": "borrar"}, "invalid_choice"),
        ({"arco_right": "access"}, "not_allowed"),  # a queja
    ],
)
def test_the_api_refuses_a_missing_unknown_or_misplaced_right(body, code):
    api, _client = client_for("Portal", ["cases:read", "cases:write"], channel="MICUENTA")

    response = api.post("/api/v1/cases/", payload(**body), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("arco_right", code)]
    assert Case.objects.count() == 0


def test_a_browser_user_registers_an_arco_request_through_the_api_too(admin_user):
    api = session_for(admin_user)

    response = api.post(
        "/api/v1/cases/",
        payload(service="DERECHOS_ARCO", channel="CORREO", arco_right="opposition"),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert ArcoRequest.objects.get().right == "opposition"


# --- The browser intake form ---------------------------------------------------------------------


def test_the_intake_form_asks_for_the_right_only_on_the_arco_service(agent, frozen_now):
    client = logged_in(agent)
    arco = client.get(NEW_URL, {"service": "DERECHOS_ARCO", "channel": "CESI"})
    queja = client.get(NEW_URL, {"service": "QUEJA_ATENCION_CESI", "channel": "CESI"})

    assert 'name="arco_right"' in arco.content.decode()
    assert "Solicitud de derechos ARCO" in arco.content.decode()
    assert 'name="arco_right"' not in queja.content.decode()


def test_the_intake_form_registers_the_right(agent, frozen_now):
    response = logged_in(agent).post(
        NEW_URL,
        form_body(
            service="DERECHOS_ARCO",
            arco_right="cancellation",
            description="Cancelen mi teléfono anterior.",
        ),
    )

    assert response.status_code == 302
    assert ArcoRequest.objects.select_related("case").get().case.service.code == "DERECHOS_ARCO"
    assert ArcoRequest.objects.get().right == "cancellation"


def test_the_intake_form_shows_a_missing_right_beside_its_field(agent, frozen_now):
    response = logged_in(agent).post(NEW_URL, form_body(service="DERECHOS_ARCO"))

    assert response.status_code == 400
    assert response.context["form"].errors["arco_right"] == [
        "Indique el derecho que se ejerce: acceso, rectificación, cancelación u oposición."
    ]
    assert Case.objects.count() == 0
