"""The case page tells supervisors and the integrity role whether the case's history is intact
(its events' hash chain, ADR 0013); nobody else sees the check."""

import pytest

from accounts.models import UserProfile
from cases.events import Actor
from cases.models import CaseEvent
from tests.support.cases import make_case, staff
from tests.support.history import raw
from web.templatetags.web_tags import fecha_corta

pytestmark = pytest.mark.django_db

INTACT = '<span class="badge text-bg-success">Historial íntegro</span>'


@pytest.fixture
def case(agent):
    return make_case(Actor(user=agent))


def test_a_supervisor_sees_an_intact_history(client, case, supervisor):
    client.force_login(supervisor)

    html = client.get(f"/casos/{case.folio}/").content.decode()

    assert INTACT in html
    assert "Historial alterado" not in html


def test_a_tampered_history_names_the_first_altered_event(client, case, supervisor):
    _, routed = CaseEvent.objects.filter(case=case).order_by("at", "id")[:2]
    raw("UPDATE cases_caseevent SET data = %s WHERE id = %s", ['{"to": "resolved"}', routed.pk])
    client.force_login(supervisor)

    html = client.get(f"/casos/{case.folio}/").content.decode()

    at = fecha_corta(routed.at)  # "6 dic 2026 21:10"
    assert f"Historial alterado a partir del evento «Turnado» del {at}." in html
    assert INTACT not in html


def test_the_integrity_role_sees_the_check_and_area_staff_do_not(client, case):
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    client.force_login(quejas)
    page = client.get(f"/casos/{case.folio}/")
    assert page.status_code == 200
    assert "Historial íntegro" not in page.content.decode()

    auditor = staff("auditoria", "area_staff", area_code="OPERACIONES_QUEJAS")
    UserProfile.objects.filter(user=auditor).update(can_view_sealed_identity=True)
    client.force_login(auditor)
    assert INTACT in client.get(f"/casos/{case.folio}/").content.decode()
