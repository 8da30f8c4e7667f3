"""Who sees which case (SPEC §9): `cases_visible_to`, `case_get_for` and the list filters."""

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import api_client_create
from cases.events import SYSTEM, Actor
from cases.models import Case
from cases.selectors.access import cases_visible_to, identifiers_visible_to
from cases.selectors.detail import case_get_for
from cases.selectors.filters import CaseFilters, CaseFilterSet, CaseListFilterSet
from cases.selectors.lists import case_list_for
from cases.services import TransitionInput, case_transition
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import NotFound, ValidationFailed
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    """Four cases: Cesi Benito Juárez, Cesi Iztapalapa (both under DEL_CDMX), Cesi Aguascalientes,
    and a portal case without office created by an API client. All routed to OPERACIONES_QUEJAS
    except the Aguascalientes one, a Cartera service."""
    agent = staff("asesor_bj", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    portal, _ = api_client_create("Portal", "MICUENTA", [Scope.CASES_READ, Scope.CASES_WRITE])
    cases = {
        "bj": make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ"),
        "izt": make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_IZTAPALAPA"),
        "ags": make_case(
            Actor(user=agent),
            service="ACLARACION_PAGOS",
            channel="CESI",
            office="CESI_AGUASCALIENTES",
        ),
        "portal": make_case(Actor(client=portal)),
    }
    return {"agent": agent, "portal": portal, "cases": cases}


def _folios(world, actor: Actor) -> set[str]:  # type: ignore[no-untyped-def]
    names = {case.folio: name for name, case in world["cases"].items()}
    return {names[folio] for folio in cases_visible_to(actor).values_list("folio", flat=True)}


def test_an_agent_sees_the_cases_of_their_office_and_those_assigned_to_them(world):
    # Given another agent, of Iztapalapa, to whom the Aguascalientes case is assigned
    other = staff("asesor_izt", "agent", office_code="CESI_CDMX_IZTAPALAPA")
    Case.objects.filter(pk=world["cases"]["ags"].pk).update(assignee=other)

    # Then each agent sees their office's cases, plus the one assigned
    assert _folios(world, Actor(user=world["agent"])) == {"bj"}
    assert _folios(world, Actor(user=other)) == {"izt", "ags"}


def test_area_staff_see_only_the_cases_whose_current_area_is_theirs(world):
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    cartera = staff("cartera", "area_staff", area_code="CARTERA_ADMINISTRACION")
    assert _folios(world, Actor(user=quejas)) == {"bj", "izt", "portal"}
    assert _folios(world, Actor(user=cartera)) == {"ags"}

    # When the Benito Juárez case is transferred to Cartera, it follows its current area
    case_transition(
        world["cases"]["bj"].folio,
        TransitionInput(action="transfer", reason="Es de Cartera", area="CARTERA_ADMINISTRACION"),
        Actor(user=quejas),
        timezone.now(),
    )
    assert _folios(world, Actor(user=quejas)) == {"izt", "portal"}
    assert _folios(world, Actor(user=cartera)) == {"ags", "bj"}


def test_supervisors_see_their_office_delegacion_directorate_or_the_nation(world):
    office = staff("sup_oficina", "supervisor", office_code="CESI_CDMX_IZTAPALAPA")
    delegacion = staff("sup_cdmx", "supervisor", office_code="DEL_CDMX")
    other_delegacion = staff("sup_ags", "supervisor", office_code="DEL_AGS")
    directorate = staff("sup_cartera", "supervisor", directorate_code="CARTERA")
    national = staff("sup_nacional", "supervisor", national=True)

    assert _folios(world, Actor(user=office)) == {"izt"}
    assert _folios(world, Actor(user=delegacion)) == {"bj", "izt"}
    assert _folios(world, Actor(user=other_delegacion)) == {"ags"}
    assert _folios(world, Actor(user=directorate)) == {"ags"}
    assert _folios(world, Actor(user=national)) == {"bj", "izt", "ags", "portal"}


def test_administrators_see_everything_and_users_without_profile_nothing(world):
    admin = staff("admin", "admin")
    nobody = get_user_model().objects.create_user("sin_perfil", password="x-clave-larga-2026")
    assert _folios(world, Actor(user=admin)) == {"bj", "izt", "ags", "portal"}
    assert _folios(world, Actor(user=nobody)) == set()
    assert _folios(world, SYSTEM) == set()


def test_an_inactive_user_sees_nothing(world):
    admin = staff("admin", "admin")
    admin.is_active = False
    assert _folios(world, Actor(user=admin)) == set()


def test_api_clients_see_their_own_cases_unless_they_read_all(world):
    other, _ = api_client_create("Otro", "APP", [Scope.CASES_READ])
    everything, _ = api_client_create("Tablero", "APP", [Scope.CASES_READ, Scope.CASES_READ_ALL])
    assert _folios(world, Actor(client=world["portal"])) == {"portal"}
    assert _folios(world, Actor(client=other)) == set()
    assert _folios(world, Actor(client=everything)) == {"bj", "izt", "ags", "portal"}


def test_a_case_outside_scope_is_not_found_exactly_like_a_missing_one(world):
    other = staff("asesor_izt", "agent", office_code="CESI_CDMX_IZTAPALAPA")
    folio = world["cases"]["bj"].folio

    with pytest.raises(NotFound) as hidden:
        case_get_for(Actor(user=other), folio)
    with pytest.raises(NotFound) as missing:
        case_get_for(Actor(user=other), "ATN-2026-99999999")

    assert hidden.value.status == missing.value.status == 404
    assert case_get_for(Actor(user=world["agent"]), folio).pk == world["cases"]["bj"].pk


def test_identifiers_are_unmasked_for_contacts_read_and_administrators_only(world):
    reader, _ = api_client_create("Lector", "APP", [Scope.CASES_READ, Scope.CONTACTS_READ])
    assert identifiers_visible_to(Actor(client=reader))
    assert not identifiers_visible_to(Actor(client=world["portal"]))
    assert identifiers_visible_to(Actor(user=staff("admin", "admin")))
    assert not identifiers_visible_to(Actor(user=world["agent"]))
    assert not identifiers_visible_to(SYSTEM)


def test_the_sla_state_filter_follows_the_clock_not_the_stored_column(world):
    # Given the Iztapalapa case whose warning instant has passed, while the monitor has not yet
    # stored it as at risk
    case = world["cases"]["izt"]
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        warn_at=now - dt.timedelta(minutes=1), resolution_due_at=now + dt.timedelta(hours=1)
    )
    assert Case.objects.get(pk=case.pk).sla_state == "on_track"
    admin = Actor(user=staff("admin", "admin"))

    def states(*names: str) -> set[str]:
        found = case_list_for(admin, CaseFilters(sla_state=names), now)
        return set(found.values_list("folio", flat=True))

    # Then it is at risk now, and not on track
    assert states("at_risk") == {case.folio}
    assert case.folio not in states("on_track")
    assert case.folio in states("breached", "at_risk")
    # And one hour and a minute later it is breached
    later = now + dt.timedelta(hours=1, minutes=1)
    assert set(
        case_list_for(admin, CaseFilters(sla_state=["breached"]), later).values_list(
            "folio", flat=True
        )
    ) == {case.folio}


def test_unknown_codes_in_filters_are_refused_with_the_field(world):
    admin = Actor(user=staff("admin", "admin"))
    with pytest.raises(ValidationFailed) as refused:
        list(case_list_for(admin, CaseFilters(service=["NO_EXISTE"]), timezone.now()))
    assert [(e.field, e.code) for e in refused.value.errors] == [("service", "does_not_exist")]


def test_q_looks_up_a_folio_exactly_or_searches_the_text(world):
    admin = Actor(user=staff("admin", "admin"))
    now = timezone.now()
    bj = world["cases"]["bj"]
    Case.objects.filter(pk=bj.pk).update(subject="Cobro indebido en caja")

    def found(q: str) -> set[str]:
        return set(case_list_for(admin, CaseFilters(q=q), now).values_list("folio", flat=True))

    assert found(bj.folio.lower()) == {bj.folio}
    assert found("indebido") == {bj.folio}
    assert found("nada-parecido") == set()


def test_the_filterset_declares_each_case_filter_in_the_order_it_applies_them():
    applied = [
        *("status", "kind", "service", "channel", "office", "directorate", "area"),
        *("assignee", "unassigned", "sla_state", "received_after", "received_before"),
        *("nss", "curp", "external_reference", "q"),
    ]
    assert list(CaseFilterSet.base_filters) == applied
    assert set(applied) == {field.name for field in dataclasses.fields(CaseFilters)}
    # The API's list reads every filter but the browser's `unassigned` queue.
    assert list(CaseListFilterSet.base_filters) == [
        name for name in applied if name != "unassigned"
    ]
