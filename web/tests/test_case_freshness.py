"""Issue 19 item 14: the case page learns that someone else changed the case (its version) before
a stale action is attempted, and the server refuses the stale action anyway."""

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.selectors.detail import case_version_for
from cases.services import TransitionInput, case_transition
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db

NOTICE = "Otra persona modificó este caso (versión %d). Recargue antes de actuar."


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def colleague(db):
    return staff("quejas2", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def case(agent):
    return make_case(Actor(user=agent), subject="Pago no reflejado")


def test_the_page_polls_its_own_version(client, case, quejas_staff, settings):
    settings.CASE_VERSION_POLL_SECONDS = 7
    client.force_login(quejas_staff)
    html = client.get(f"/casos/{case.folio}/").content.decode()
    assert f'hx-get="/casos/{case.folio}/version/?v={case.version}"' in html
    assert 'hx-trigger="every 7s"' in html


def test_an_unchanged_case_answers_nothing(client, case, quejas_staff):
    client.force_login(quejas_staff)
    response = client.get(f"/casos/{case.folio}/version/?v={case.version}")
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert response["Cache-Control"] == "no-store"


def test_a_changed_case_says_so_with_a_reload_link(client, case, quejas_staff, colleague):
    shown = case.version
    case_transition(case.folio, TransitionInput("take"), Actor(user=colleague), timezone.now())
    client.force_login(quejas_staff)
    html = client.get(f"/casos/{case.folio}/version/?v={shown}").content.decode()
    assert NOTICE % (shown + 1) in html
    assert f'href="/casos/{case.folio}/">Recargar el caso</a>' in html


def test_outside_the_scope_the_version_is_404(client, case):
    client.force_login(staff("otra_area", "area_staff", area_code="CARTERA_CANCELACION"))
    response = client.get(f"/casos/{case.folio}/version/?v={case.version}")
    assert response.status_code == 404
    assert "versión" not in response.content.decode()
    assert client.get("/casos/NO-EXISTE/version/?v=1").status_code == 404


def test_the_version_is_read_with_one_query(case, quejas_staff, django_assert_num_queries):
    actor = Actor(user=quejas_staff)
    quejas_staff.profile  # noqa: B018 (the request's user arrives with it)
    with django_assert_num_queries(1):
        assert case_version_for(actor, case.folio) == case.version


def test_a_stale_action_is_refused_and_changes_nothing(client, case, quejas_staff, colleague):
    client.force_login(quejas_staff)
    shown = client.get(f"/casos/{case.folio}/").context["case"].version
    case_transition(case.folio, TransitionInput("take"), Actor(user=colleague), timezone.now())
    before = Case.objects.get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    response = client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "resolve", "resolution": "Se aplicó el pago.", "version": shown},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"El caso cambió (versión {before.version}); recárguelo e intente de nuevo."
    ]
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.assignee, after.version, after.resolution) == (
        before.status,
        colleague,
        before.version,
        before.resolution,
    )
    assert CaseEvent.objects.filter(case=case).count() == events
