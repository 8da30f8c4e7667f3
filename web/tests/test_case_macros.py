"""Macros on the case page: offered by status and role, applied in one click (per role)."""

import pytest

from cases.events import Actor
from cases.models import Case, CaseEvent, Comment
from cases.services import TransitionInput, case_transition
from catalog.models import Macro, Service
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def case(agent, quejas_staff):
    case = make_case(Actor(user=agent))
    return case_transition(
        case.folio, TransitionInput(action="take"), Actor(user=quejas_staff), case.received_at
    )


@pytest.fixture
def macros(db):
    service = Service.objects.get(code="QUEJA_CANALES_DIGITALES")
    return {
        "acuse": Macro.objects.create(service=service, title="Acuse", body="Recibimos su queja."),
        "resolver": Macro.objects.create(
            service=service,
            title="Resolver: corregido",
            body="Corregimos la descarga.",
            public=True,
            action="resolve",
        ),
        "reanudar_no": Macro.objects.create(
            service=service,
            title="Pedir INE",
            body="Envíe su identificación.",
            action="pause",
            pause_reason="Falta identificación",
        ),
    }


def test_the_page_offers_the_macros_the_status_allows(client, case, quejas_staff, macros):
    case_transition(
        case.folio,
        TransitionInput(action="pause", reason="Espera"),
        Actor(user=quejas_staff),
        case.received_at,
    )
    client.force_login(quejas_staff)
    response = client.get(f"/casos/{case.folio}/")
    # Waiting: neither resolve nor pause apply; the text-only macro does
    assert [m.title for m in response.context["applicable_macros"]] == ["Acuse"]
    html = response.content.decode()
    assert "Aplicar «Acuse»" in html and "Aplicar «Pedir INE»" not in html


@pytest.mark.parametrize("who", ["quejas", "supervisor", "admin_user"])
def test_each_role_that_sees_the_case_applies_a_resolve_macro(
    client, case, macros, who, quejas_staff, supervisor, admin_user
):
    user = {
        "quejas": quejas_staff,
        "supervisor": supervisor,
        "admin_user": admin_user,
    }[who]
    client.force_login(user)
    response = client.post(
        f"/casos/{case.folio}/macros/",
        {"macro": macros["resolver"].pk, "version": case.version},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Macro «Resolver: corregido» aplicada."
    ]
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.resolution) == ("resolved", "Corregimos la descarga.")
    assert Comment.objects.get(case=case).body == "Corregimos la descarga."
    assert CaseEvent.objects.filter(case=case, kind="macro_applied").count() == 1
    assert "Macro aplicada" in response.content.decode()


@pytest.mark.parametrize("who", ["other_area", "agent_of_another_office"])
def test_someone_outside_the_case_gets_404_and_nothing_changes(client, case, macros, who, agent):
    # The case came in through MiCuenta: the Benito Juárez agent neither registered it at
    # their office nor holds it, so it is out of their sight like another area's.
    outsider = (
        agent
        if who == "agent_of_another_office"
        else staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    )
    client.force_login(outsider)
    version = case.version
    response = client.post(f"/casos/{case.folio}/macros/", {"macro": macros["acuse"].pk})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).version == version
    assert not Comment.objects.filter(case=case).exists()


def test_a_refused_macro_says_why_and_changes_nothing(client, case, quejas_staff, macros):
    case_transition(
        case.folio,
        TransitionInput(action="pause", reason="Espera"),
        Actor(user=quejas_staff),
        case.received_at,
    )
    before = Case.objects.get(pk=case.pk)
    client.force_login(quejas_staff)
    response = client.post(
        f"/casos/{case.folio}/macros/", {"macro": macros["resolver"].pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "La macro «Resolver: corregido» no puede aplicarse: un caso «En espera del ciudadano» "
        "no admite «Resolver». No se hizo ningún cambio."
    ]
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert not Comment.objects.filter(case=case).exists()


def test_a_macro_of_another_service_is_refused(client, case, quejas_staff):
    other = Macro.objects.create(
        service=Service.objects.get(code="CANCELACION_HIPOTECA"), title="Otra", body="Texto"
    )
    client.force_login(quejas_staff)
    response = client.post(f"/casos/{case.folio}/macros/", {"macro": other.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Esa macro no existe o no corresponde al servicio de este caso."
    ]
    assert not Comment.objects.filter(case=case).exists()


def test_a_stale_page_is_refused(client, case, quejas_staff, macros):
    client.force_login(quejas_staff)
    response = client.post(
        f"/casos/{case.folio}/macros/",
        {"macro": macros["acuse"].pk, "version": case.version - 1},
        follow=True,
    )
    assert "El caso cambió" in str(next(iter(response.context["messages"])))
    assert not Comment.objects.filter(case=case).exists()


def test_anonymous_users_go_to_the_login(client, case, macros):
    response = client.post(f"/casos/{case.folio}/macros/", {"macro": macros["acuse"].pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.filter(case=case).exists()
