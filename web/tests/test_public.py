"""The citizen's status page: folio + tracking code, same fields as the public API, throttled."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.events import Actor
from cases.services import comment_add
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_the_status_by_folio_and_code_without_login(client, agent):
    case = make_case(Actor(user=agent), description="Mi descripción privada")
    comment_add(case.folio, "Respuesta pública", True, Actor(user=agent), timezone.now())
    comment_add(case.folio, "Nota interna", False, Actor(user=agent), timezone.now())
    response = client.post(
        "/consulta/", {"folio": case.folio.lower(), "code": case.tracking_code.lower()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["case"].folio == case.folio
    assert "Asignado" in html and "Respuesta pública" in html
    assert "Nota interna" not in html
    assert "Mi descripción privada" not in html
    assert case.tracking_code not in html
    assert "Ana" not in html


@pytest.mark.parametrize("wrong", ["folio", "code"])
def test_a_wrong_folio_or_code_is_the_same_404(client, agent, wrong):
    case = make_case(Actor(user=agent))
    data = {"folio": case.folio, "code": case.tracking_code}
    data[wrong] = "ATN-2026-99999999" if wrong == "folio" else "NOESESTE"
    response = client.post("/consulta/", data)
    assert response.status_code == 404
    assert (
        "No encontramos un caso con ese folio y código de seguimiento." in response.content.decode()
    )


def test_the_look_up_is_throttled_per_address(client, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "2/min"
    for _ in range(2):
        assert client.post("/consulta/", {"folio": "ATN-2026-1", "code": "X"}).status_code == 404
    refused = client.post("/consulta/", {"folio": "ATN-2026-1", "code": "X"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Demasiadas consultas" in refused.content.decode()


def test_the_form_needs_csrf(agent):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/consulta/", {"folio": "x", "code": "y"}).status_code == 403
    assert strict.get("/consulta/").status_code == 200


def test_the_link_in_the_citizens_e_mails_opens_this_page_with_the_folio_filled_in(client):
    from urllib.parse import urlsplit

    from cases.notices.notifications import status_link

    # Given the status link an acknowledgement e-mail carries
    link = status_link("ATN-2026-00001234")

    # When the citizen follows it
    parts = urlsplit(link)
    response = client.get(f"{parts.path}?{parts.query}")

    # Then the status page answers with the folio already typed (the code is theirs to type)
    assert response.status_code == 200
    assert 'value="ATN-2026-00001234"' in response.content.decode()
