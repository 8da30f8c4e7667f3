"""The hand-written case JSON (cases.representation) is exactly what the output serializers —
which document it in the OpenAPI schema — render, and the creation answer is the case as it
reads back afterwards."""

import json
from typing import Any

import pytest
from django.utils import timezone

from cases.api.serializers import CaseCreatedOutputSerializer, CaseOutputSerializer
from cases.events import Actor
from cases.models import Case
from cases.representation import case_created_json, case_document, case_json, cases_json
from cases.selectors.relations import case_output_queryset, with_case_output_relations
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import (
    ANA_CURP,
    ANA_NSS,
    READ_WRITE,
    client_for,
    make_case,
    payload,
    session_for,
    staff,
)

pytestmark = pytest.mark.django_db


def _plain(data: Any) -> Any:
    """Serializer output as plain JSON values (ReturnDict, OrderedDict → dict), order kept."""
    return json.loads(json.dumps(data))


def _cases() -> list[Case]:
    agent = staff("asesor", "agent", office_code="CESI_TIJUANA")
    supervisor = staff("super", "supervisor", national=True)
    staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    ana = ContactInput(
        given_names="Ana",
        first_surname="Pérez",
        second_surname="López",
        nss=ANA_NSS,
        curp=ANA_CURP,
        email="ana@example.com",
        phone="5512345678",
    )
    new = make_case(Actor(user=agent), route=False, contact=ana, subject="Sin turnar")
    routed = make_case(Actor(user=agent))
    assigned = make_case(Actor(user=agent), priority="urgent")
    case_transition(
        assigned.folio,
        TransitionInput("assign", assignee="quejas"),
        Actor(user=supervisor),
        timezone.now(),
    )
    presencial = make_case(
        Actor(user=agent),
        service="QUEJA_ATENCION_CESI",
        channel="CESI",
        office="CESI_TIJUANA",
        route=False,
    )
    resolved = make_case(
        Actor(user=agent),
        service="CONSTANCIA_INTERESES",
        channel="CESI",
        office="CESI_TIJUANA",
        resolution="Se entregó la constancia impresa.",
        route=False,
    )
    anonymous = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="MICUENTA",
            anonymous=True,
            sealed_reporter_identity="Juan",
            description="Un gestor cobra por tramitar créditos.",
        ),
        Actor(user=agent),
        timezone.now(),
    ).case
    # A client without contacts:write names Ana by her NSS with other details (SPEC §8).
    _, portal = client_for("Portal", READ_WRITE)
    named = make_case(
        Actor(client=portal),
        route=False,
        contact=ContactInput(
            given_names="Otra", first_surname="Persona", nss=ANA_NSS, email="otra@example.com"
        ),
    )
    cases = [new, routed, assigned, presencial, resolved, anonymous, named]
    return list(case_output_queryset().filter(pk__in=[c.pk for c in cases]).order_by("pk"))


@pytest.mark.parametrize("unmask", [False, True])
def test_every_kind_of_case_reads_as_the_output_serializer_renders_it(unmask):
    cases = _cases()
    now = timezone.now()
    context = {"now": now, "unmask_identifiers": unmask}

    expected = [_plain(CaseOutputSerializer(case, context=context).data) for case in cases]

    page = cases_json(cases, now=now, unmask_identifiers=unmask)
    assert json.dumps(page) == json.dumps(expected)  # same values, same key order
    assert [case_json(c, now=now, unmask_identifiers=unmask) for c in cases] == expected
    # the same with the catalog rows loaded on the case instead of read from the snapshot
    loaded = list(
        with_case_output_relations(Case.objects.filter(pk__in=[c.pk for c in cases])).order_by("pk")
    )
    assert cases_json(loaded, now=now, unmask_identifiers=unmask) == expected
    # and the cases differ where they should
    assert {row["status"] for row in page} == {"new", "assigned", "resolved"}
    assert {row["office"] for row in page} == {None, "CESI_TIJUANA"}
    assert any(row["assignee"] == "quejas" for row in page)
    assert any(row["contact"] is None for row in page)
    assert any(row["directorate"] is not None for row in page)
    # the contact base's record for contacts:read, otherwise only what the case came with
    shown = (
        ("Ana", "Pérez", ANA_CURP, "ana@example.com")
        if unmask
        else ("Otra", "Persona", None, "************.com")
    )
    contact = page[-1]["contact"]
    assert (
        contact["given_names"],
        contact["first_surname"],
        contact["curp"],
        contact["email"],
    ) == shown


def test_webhooks_get_the_masked_document_without_the_tracking_code():
    case = _cases()[0]
    now = timezone.now()
    document = case_document(case, now=now)
    expected = CaseOutputSerializer(case, context={"now": now, "unmask_identifiers": False})
    assert document == _plain(expected.data)
    assert document["contact"]["nss"] == "*******4431"
    assert "tracking_code" not in document


def test_the_creation_answer_is_what_the_created_serializer_renders():
    case = _cases()[4]  # resolved at intake: with directorate and area
    now = timezone.now()
    context = {"now": now, "unmask_identifiers": False, "warnings": ["open_case_same_service"]}
    expected = _plain(CaseCreatedOutputSerializer(case, context=context).data)
    answer = case_created_json(
        case, now=now, unmask_identifiers=False, warnings=["open_case_same_service"]
    )
    assert json.dumps(answer) == json.dumps(expected)


@pytest.mark.parametrize(
    ("channel", "changes"),
    [
        ("MICUENTA", {}),
        ("MICUENTA", {"priority": "urgent", "external_reference": "MC-1", "subject": ""}),
        ("CESI", {"office": "cesi_tijuana", "received_at": "2026-11-13T10:00:00.123456-08:00"}),
        (
            "CESI",
            {
                "service": "CONSTANCIA_INTERESES",
                "office": "CESI_TIJUANA",
                "resolution": "Se entregó la constancia impresa.",
            },
        ),
        (
            "INFONATEL",
            {
                "service": "DENUNCIA_COYOTES",
                "contact": None,
                "anonymous": True,
                "reporter_identity": "Juan",
            },
        ),
    ],
)
def test_the_201_body_is_the_case_as_it_reads_back(channel, changes, settings):
    # Given a client whose creation answer is written from the case in memory
    settings.API_CLIENT_THROTTLE_RATE = ""
    api, _ = client_for(f"Sistema {channel}", [*READ_WRITE, Scope.CASES_IMPORT], channel=channel)

    created = api.post("/api/v1/cases/", payload(**changes), format="json")

    # Then reading it back (outside the intake transaction) answers the same case
    assert created.status_code == 201, created.content
    body = created.json()
    tracking_code, warnings = body.pop("tracking_code"), body.pop("warnings")
    read = api.get(f"/api/v1/cases/{body['folio']}/").json()
    assert body == read
    assert tracking_code == Case.objects.get(folio=body["folio"]).tracking_code
    assert warnings == []


def test_a_session_user_gets_the_same_answer_as_the_case_reads_back(agent):
    api = session_for(agent)
    body = payload(channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")

    created = api.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert created.status_code == 201, created.content
    answer = created.json()
    del answer["tracking_code"], answer["warnings"]
    assert answer == api.get(f"/api/v1/cases/{answer['folio']}/").json()
