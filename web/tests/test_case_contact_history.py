"""The case page lists the contact's other cases the viewer may see (issue 19, item 10)."""

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.services import CaseInput, case_create
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db


def test_the_case_page_lists_the_other_cases_and_warns_of_an_open_one(client, agent, supervisor):
    boss = Actor(user=supervisor)
    earlier = make_case(boss, channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    hidden = make_case(boss, channel="CESI", office="CESI_TIJUANA")
    current = make_case(boss, channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    client.force_login(agent)

    html = client.get(f"/casos/{current.folio}/").content.decode()

    assert 'id="otros-casos-lista"' in html
    assert f'href="/casos/{earlier.folio}/"' in html
    assert hidden.folio not in html  # another office's case: outside the agent's scope
    assert "Este contacto tiene otro caso abierto del mismo servicio:" in html


def test_an_anonymous_denuncia_shows_no_contact_history(client, supervisor):
    boss = Actor(user=supervisor)
    make_case(boss)
    denuncia = case_create(
        CaseInput(
            service="DENUNCIA_COYOTES",
            channel="MICUENTA",
            anonymous=True,
            description="Un gestor cobra en la puerta.",
        ),
        boss,
        timezone.now(),
    ).case
    client.force_login(supervisor)

    html = client.get(f"/casos/{denuncia.folio}/").content.decode()

    assert "Otros casos del contacto" not in html
    assert "Denuncia anónima: sin datos de contacto." in html
