"""The citizen's public status look-up (SPEC §8)."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.events import Actor
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition, comment_add
from contacts.services import ContactInput

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 16, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _case(agent, **overrides):
    values = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "MICUENTA",
        "contact": ContactInput(
            given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana@example.com"
        ),
        "description": "Datos privados: mi saldo es de 350,000 pesos.",
        "received_at": NOW,
    }
    values.update(overrides)
    return case_create(CaseInput(**values), Actor(user=agent), NOW).case


def _get(folio, code):
    return APIClient().get(f"/api/v1/public/cases/{folio}/", {"code": code})


def test_the_citizen_sees_status_and_public_comments_only(agent):
    case = _case(agent)
    comment_add(case.folio, "Recibimos su queja; la revisamos.", True, Actor(user=agent), NOW)
    comment_add(case.folio, "Nota interna: revisar con el área.", False, Actor(user=agent), NOW)

    response = _get(case.folio, case.tracking_code.lower())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "folio",
        "kind",
        "service_name",
        "status",
        "received_at",
        "resolution_due_at",
        "resolved_at",
        "resolution",
        "public_comments",
    }
    assert body["resolution"] is None
    assert body["folio"] == case.folio
    assert body["service_name"] == case.service.name
    assert [c["body"] for c in body["public_comments"]] == ["Recibimos su queja; la revisamos."]
    text = response.content.decode()
    for secret in ("350,000", "Nota interna", "92919084431", "ana@example.com", case.tracking_code):
        assert secret not in text


def test_a_wrong_code_and_a_wrong_folio_answer_the_same_404(agent):
    case = _case(agent)

    wrong_code = _get(case.folio, "AAAAAAAAAA")
    wrong_folio = _get("ATN-2026-99999999", case.tracking_code)

    assert wrong_code.status_code == wrong_folio.status_code == 404
    assert wrong_code["Content-Type"].startswith("application/problem+json")
    assert wrong_code.json() == wrong_folio.json()


def test_an_anonymous_denuncia_can_be_followed(agent):
    case = _case(
        agent,
        service="DENUNCIA_COYOTES",
        channel="MICUENTA",
        contact=None,
        anonymous=True,
        description="Un gestor cobra.",
    )
    response = _get(case.folio, case.tracking_code)
    assert response.status_code == 200
    assert response.json()["kind"] == "report"


def test_guessing_is_throttled_per_address(agent, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "3/min"
    case = _case(agent)
    statuses = [_get(case.folio, f"WRONG{n}").status_code for n in range(3)]
    blocked = _get(case.folio, case.tracking_code)

    assert statuses == [404, 404, 404]
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0


def test_once_resolved_the_citizen_sees_the_resolution(agent):
    case = _case(agent)
    case_route(case.pk, NOW)
    resolution = TransitionInput("resolve", resolution="Corregimos la descarga de su constancia.")
    case_transition(case.folio, resolution, Actor(user=agent), NOW)

    body = _get(case.folio, case.tracking_code).json()

    assert (body["status"], body["resolution"]) == (
        "resolved",
        "Corregimos la descarga de su constancia.",
    )
