"""The citizen's status page once the case is resolved (issue 18 §4, issue 19 item 8): the
resolution text appears then and only then; the page and the portal link to each other."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cases.events import Actor
from cases.services import TransitionInput, case_transition
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db

RESOLUTION = "Se corrigió la descarga; su constancia ya está disponible en Mi Cuenta."


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _status_page(case) -> str:  # type: ignore[no-untyped-def]
    response = Client().post("/consulta/", {"folio": case.folio, "code": case.tracking_code})
    assert response.status_code == 200
    return response.content.decode()


def test_the_resolution_is_shown_once_the_case_is_resolved(supervisor) -> None:
    actor = Actor(user=supervisor)
    case = make_case(Actor())
    page = _status_page(case)
    assert 'id="resolucion-publica"' not in page and RESOLUTION not in page
    case_transition(
        case.folio, TransitionInput(action="resolve", resolution=RESOLUTION), actor, timezone.now()
    )
    page = _status_page(case)
    assert '<h3 class="h6 mt-3">Resolución</h3>' in page
    assert f'<div class="preserve-lines" id="resolucion-publica">{RESOLUTION}</div>' in page
    case_transition(
        case.folio, TransitionInput(action="reopen", reason="Sigue fallando"), actor, timezone.now()
    )
    assert RESOLUTION not in _status_page(case)  # reopened: no longer the answer


def test_the_status_page_and_the_portal_link_to_each_other() -> None:
    assert 'href="/presentar/"' in Client().get("/consulta/").content.decode()
    assert 'href="/consulta/"' in Client().get("/presentar/").content.decode()
