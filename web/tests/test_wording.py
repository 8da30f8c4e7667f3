"""One register and plain words: flash messages that say what happened, es-MX dates, the acuse
linking to its case, time left on the case page in the term's unit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.models import Case
from tests.support.cases import make_case, staff
from tests.support.intake import NEW_URL, NOW, form_body, logged_in
from web.templatetags.web_tags import fecha, fecha_corta, fecha_hora

pytestmark = pytest.mark.django_db
CDMX = ZoneInfo("America/Mexico_City")


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_taking_a_case_says_caso_tomado(client, agent, quejas_staff):
    case = make_case(Actor(user=agent))
    client.force_login(quejas_staff)

    response = client.post(
        f"/casos/{case.folio}/accion/", {"action": "take", "version": case.version}, follow=True
    )

    assert _messages(response) == ["Caso tomado."]
    assert Case.objects.get(pk=case.pk).assignee == quejas_staff


def test_pausing_says_the_clock_stopped_and_commenting_says_comentario_agregado(
    client, agent, quejas_staff
):
    case = make_case(Actor(user=agent))
    client.force_login(quejas_staff)
    client.post(f"/casos/{case.folio}/accion/", {"action": "take"}, follow=True)  # its flash read

    paused = client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "pause", "reason": "Falta su estado de cuenta"},
        follow=True,
    )
    commented = client.post(
        f"/casos/{case.folio}/comentarios/", {"body": "Le llamamos.", "public": ""}, follow=True
    )

    assert _messages(paused) == ["Caso en espera del ciudadano: el plazo se detuvo."]
    assert _messages(commented) == ["Comentario agregado."]


def test_dates_read_in_es_mx_with_lower_case_months():
    moment = dt.datetime(2026, 12, 7, 15, 30, tzinfo=dt.UTC)  # 09:30 in Mexico City
    with timezone.override(CDMX):
        assert fecha(moment) == "7 de diciembre de 2026"
        assert fecha_hora(moment) == "7 de diciembre de 2026, 09:30"
        assert fecha_corta(moment) == "7 dic 2026 09:30"
    assert fecha(None) == ""


def test_the_case_page_shows_dates_and_time_left_in_plain_spanish(client, agent, quejas_staff):
    case = make_case(Actor(user=agent))
    client.force_login(quejas_staff)

    html = client.get(f"/casos/{case.folio}/").content.decode()

    received = timezone.localtime(case.received_at)
    assert f"{received.day} de " in html
    assert " de Diciembre de " not in html and " de Enero de " not in html
    assert 'id="tiempo-restante" data-time-left>15 días hábiles<' in html


def test_the_acuse_links_to_the_case(agent, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client = logged_in(agent)
    done = client.post(NEW_URL, form_body(), follow=True)

    case = Case.objects.get()
    html = done.content.decode()
    assert f'id="open-case" href="/casos/{case.folio}/">Abrir el caso {case.folio}</a>' in html
