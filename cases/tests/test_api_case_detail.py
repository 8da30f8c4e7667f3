"""`GET` and `PATCH /api/v1/cases/{folio}/`: scope, ETag, If-Match (SPEC §8, §9)."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.services import TransitionInput, case_transition
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import (
    ANA_NSS,
    PROBLEM,
    READ_WRITE,
    client_for,
    make_case,
    session_for,
    staff,
)

from .support import CASE_KEYS, field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():  # type: ignore[no-untyped-def]
    return client_for("Portal Mi Cuenta", READ_WRITE)


# --- detail -------------------------------------------------------------------------------------


def test_the_detail_has_an_etag_and_answers_304_when_unchanged(portal):
    api, client = portal
    case = make_case(Actor(client=client))  # routed: version 2

    response = api.get(f"/api/v1/cases/{case.folio}/")
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert list(body) == CASE_KEYS
    assert "tracking_code" not in body
    assert (body["status"], body["directorate"], body["area"]) == (
        "assigned",
        "OPERACIONES",
        "OPERACIONES_QUEJAS",
    )

    unchanged = api.get(f"/api/v1/cases/{case.folio}/", HTTP_IF_NONE_MATCH='"2"')
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == '"2"'
    assert unchanged.content == b""
    assert api.get(f"/api/v1/cases/{case.folio}/", HTTP_IF_NONE_MATCH='"1"').status_code == 200


def test_the_sla_state_is_computed_when_read(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    past = timezone.now() - dt.timedelta(minutes=5)
    Case.objects.filter(pk=case.pk).update(
        received_at=past - dt.timedelta(hours=2),
        warn_at=past - dt.timedelta(hours=1),
        resolution_due_at=past,
    )

    body = api.get(f"/api/v1/cases/{case.folio}/").json()

    assert Case.objects.get(pk=case.pk).sla_state == "on_track"  # not yet seen by the monitor
    assert body["sla"]["state"] == "breached"


def test_the_detail_is_404_outside_scope_for_every_kind_of_caller(portal, agent):
    _, client = portal
    case = make_case(Actor(client=client))  # a portal case, in OPERACIONES_QUEJAS, no office
    other_client, _ = client_for("Otro", READ_WRITE)
    callers = [
        other_client,
        session_for(agent),  # an agent of another office
        session_for(staff("cartera", "area_staff", area_code="CARTERA_ADMINISTRACION")),
        session_for(staff("sup_ags", "supervisor", office_code="DEL_AGS")),
        session_for(staff("sup_credito", "supervisor", directorate_code="CREDITO")),
    ]
    for api in callers:
        hidden = api.get(f"/api/v1/cases/{case.folio}/")
        missing = api.get("/api/v1/cases/ATN-2026-99999999/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden["Content-Type"] == PROBLEM
        assert case.folio in hidden.json()["detail"]
        assert hidden.json()["title"] == missing.json()["title"]


def test_the_detail_for_callers_who_may_see_it(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    allowed = [
        api,
        client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL])[0],
        session_for(staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")),
        session_for(staff("sup_operaciones", "supervisor", directorate_code="OPERACIONES")),
        session_for(staff("sup_nacional", "supervisor", national=True)),
        session_for(staff("admin", "admin")),
    ]
    for caller in allowed:
        response = caller.get(f"/api/v1/cases/{case.folio}/")
        assert response.status_code == 200, response.content
        assert response.json()["folio"] == case.folio
    unmasked = allowed[-1].get(f"/api/v1/cases/{case.folio}/").json()
    assert unmasked["contact"]["nss"] == ANA_NSS  # administrators see the whole NSS


def test_reading_needs_the_read_scope():
    writer, client = client_for("Sólo escritura", [Scope.CASES_WRITE])
    case = make_case(Actor(client=client))
    assert writer.get(f"/api/v1/cases/{case.folio}/").status_code == 403
    assert APIClient().get(f"/api/v1/cases/{case.folio}/").status_code == 401


def test_the_detail_costs_a_constant_number_of_queries(portal, django_assert_num_queries):
    api, client = portal
    case = make_case(Actor(client=client))
    api.get(f"/api/v1/cases/{case.folio}/")
    # the client (the catalog fingerprint read with it: request_stamps), the case with its
    # contact and assignee (the codes it prints come from the process's catalog snapshot)
    with django_assert_num_queries(2):
        api.get(f"/api/v1/cases/{case.folio}/")


# --- patch --------------------------------------------------------------------------------------


def test_patch_needs_if_match(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.patch(f"/api/v1/cases/{case.folio}/", {"priority": "urgent"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == PROBLEM
    assert Case.objects.get(pk=case.pk).priority == 2


def test_patch_with_a_stale_version_is_412_and_changes_nothing(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.patch(
        f"/api/v1/cases/{case.folio}/", {"priority": "urgent"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    assert Case.objects.get(pk=case.pk).version == 2
    assert not CaseEvent.objects.filter(case=case, kind="updated").exists()


def test_patch_changes_priority_and_subject_with_one_updated_event(portal):
    api, client = portal
    case = make_case(Actor(client=client), subject="Asunto")

    response = api.patch(
        f"/api/v1/cases/{case.folio}/",
        {"priority": "urgent", "subject": "Constancia de intereses"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"3"'
    body = response.json()
    assert (body["priority"], body["subject"], body["version"]) == (
        "urgent",
        "Constancia de intereses",
        3,
    )
    events = CaseEvent.objects.filter(case=case, kind="updated")
    assert [(e.data, e.actor_client_id) for e in events] == [
        (
            {
                "priority": {"from": "normal", "to": "urgent"},
                "subject": {"from": "Asunto", "to": "Constancia de intereses"},
            },
            client.pk,
        )
    ]


def test_patch_without_a_change_writes_nothing(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.patch(
        f"/api/v1/cases/{case.folio}/", {"priority": "normal"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert not CaseEvent.objects.filter(case=case, kind="updated").exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "closed"}, [("status", "unknown_field")]),
        ({}, [("non_field_errors", "empty")]),
        ({"priority": "máxima"}, [("priority", "invalid_choice")]),
    ],
)
def test_patch_accepts_only_priority_and_subject(portal, body, expected):
    api, client = portal
    case = make_case(Actor(client=client))
    response = api.patch(f"/api/v1/cases/{case.folio}/", body, format="json", HTTP_IF_MATCH='"2"')
    assert field_errors(response) == expected


def test_patch_of_a_closed_case_is_409(portal):
    api, client = portal
    case = make_case(Actor(client=client))
    case_transition(
        case.folio,
        TransitionInput(action="cancel", reason="Duplicado"),
        Actor(client=client),
        timezone.now(),
    )
    response = api.patch(
        f"/api/v1/cases/{case.folio}/", {"subject": "x"}, format="json", HTTP_IF_MATCH='"3"'
    )
    assert response.status_code == 409


def test_patch_is_404_outside_scope_and_403_without_write(portal):
    _, client = portal
    case = make_case(Actor(client=client))
    other, _ = client_for("Otro", READ_WRITE)
    reader, _ = client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL])
    url = f"/api/v1/cases/{case.folio}/"
    assert other.patch(url, {"subject": "x"}, format="json", HTTP_IF_MATCH='"2"').status_code == 404
    assert (
        reader.patch(url, {"subject": "x"}, format="json", HTTP_IF_MATCH='"2"').status_code == 403
    )
    assert Case.objects.get(pk=case.pk).version == 2
