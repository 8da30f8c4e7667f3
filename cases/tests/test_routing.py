"""Routing (SPEC §5): first matching rule wins, default to the service's owner, idempotent."""

import datetime as dt

import pytest

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, CaseEvent, RoutingRule
from cases.routing.engine import case_route
from cases.services import CaseInput, case_create
from catalog.models import Area, Directorate
from contacts.services import ContactInput
from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 17, 0, tzinfo=dt.UTC)
ANA = ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431")


def _new_case(agent, **overrides) -> Case:
    values = {
        "service": "QUEJA_ATENCION_CESI",
        "channel": "CESI",
        "office": "CESI_TIJUANA",
        "contact": ANA,
        "description": "Me hicieron esperar tres horas.",
    }
    values.update(overrides)
    return case_create(CaseInput(**values), Actor(user=agent), NOW).case


def test_the_worker_routes_a_case_on_commit_to_the_services_owner(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _new_case(agent)

    case.refresh_from_db()
    assert case.status == "assigned"
    assert (case.directorate_id, case.area_id) == (
        case.service.directorate_id,
        case.service.area_id,
    )
    routed = CaseEvent.objects.get(case=case, kind="routed")
    assert routed.data["rule"] is None
    assert routed.data["reasons"] == ["responsable del servicio"]
    assert routed.area_id == case.area_id
    assert case.version == 2


def test_the_first_matching_rule_wins_and_the_event_names_it(agent):
    target = Area.objects.get(code="OPERACIONES_INTEGRIDAD")
    RoutingRule.objects.create(
        name="Palabra clave irrelevante",
        order=1,
        keywords=["hipoteca"],
        area=Area.objects.get(code="CARTERA_CANCELACION"),
    )
    rule = RoutingRule.objects.create(
        name="Quejas con maltrato",
        order=2,
        keywords=["grosero"],
        kinds=["complaint"],
        area=target,
        set_priority=3,
    )
    RoutingRule.objects.create(
        name="Más tarde, no gana",
        order=3,
        kinds=["complaint"],
        area=Area.objects.get(code="OPERACIONES_QUEJAS"),
    )
    case = _new_case(agent, description="El asesor fue grosero conmigo.")

    routed = case_route(case.pk, NOW)

    assert routed is not None
    assert routed.area == target
    assert routed.directorate == target.directorate
    assert routed.priority == 3
    event = CaseEvent.objects.get(case=case, kind="routed")
    assert event.data["rule"] == rule.pk
    assert event.data["rule_name"] == "Quejas con maltrato"
    assert event.data["reasons"] == ["kinds=complaint", "keywords=grosero"]


def test_rules_match_on_channels_offices_states_and_contact_types(agent):
    area = Area.objects.get(code="OPERACIONES_CANALES")
    rule = RoutingRule.objects.create(
        name="Baja California presencial",
        order=1,
        states=["02"],
        contact_types=["derechohabiente"],
        area=area,
    )
    inactive = RoutingRule.objects.create(
        name="Inactiva", order=0, active=False, area=Area.objects.get(code="CARTERA_COBRANZA")
    )
    case = _new_case(agent)

    routed = case_route(case.pk, NOW)

    assert routed is not None and routed.area == area
    assert CaseEvent.objects.get(case=case, kind="routed").data["rule"] == rule.pk
    assert inactive.pk != rule.pk


def test_a_rule_naming_only_a_directorate_keeps_the_service_area_when_it_belongs(agent):
    case = _new_case(agent)
    RoutingRule.objects.create(
        name="A la dirección dueña", order=1, directorate=case.service.directorate
    )

    routed = case_route(case.pk, NOW)

    assert routed is not None and routed.area_id == case.service.area_id


def test_routing_twice_is_a_no_op(agent):
    case = _new_case(agent)
    assert case_route(case.pk, NOW) is not None
    assert case_route(case.pk, NOW) is None
    assert CaseEvent.objects.filter(case=case, kind="routed").count() == 1


def _members(area_code: str, count: int) -> list:
    return [
        user_create(
            f"{area_code.lower()}{i}",
            "area_staff",
            TEST_PASSWORD,
            UserPlacement(area_code=area_code),
        )
        for i in range(count)
    ]


def test_round_robin_takes_turns_among_the_areas_members(agent):
    area = Area.objects.get(code="OPERACIONES_QUEJAS")
    members = _members("OPERACIONES_QUEJAS", 2)
    RoutingRule.objects.create(
        name="Turnos", order=1, kinds=["complaint"], area=area, assignment_strategy="round_robin"
    )

    assignees = []
    for minute in range(3):
        case = _new_case(agent)
        routed = case_route(case.pk, NOW + dt.timedelta(minutes=minute))
        assert routed is not None
        assignees.append(routed.assignee_id)

    assert assignees == [members[0].pk, members[1].pk, members[0].pk]
    assert CaseEvent.objects.filter(kind="assigned", data__strategy="round_robin").count() == 3


def test_least_loaded_picks_the_member_with_fewest_open_cases(agent):
    area = Area.objects.get(code="OPERACIONES_QUEJAS")
    busy, free = _members("OPERACIONES_QUEJAS", 2)
    RoutingRule.objects.create(
        name="Carga", order=1, kinds=["complaint"], area=area, assignment_strategy="least_loaded"
    )
    first = _new_case(agent)
    Case.objects.filter(pk=first.pk).update(
        status="assigned", directorate=area.directorate, area=area, assignee=busy
    )

    routed = case_route(_new_case(agent).pk, NOW)

    assert routed is not None and routed.assignee_id == free.pk


def test_a_strategy_with_nobody_in_the_area_leaves_the_case_unassigned(agent):
    area = Area.objects.get(code="CREDITO_VIVIENDA_SOCIAL")
    RoutingRule.objects.create(
        name="Sin personal", order=1, area=area, assignment_strategy="round_robin"
    )
    routed = case_route(_new_case(agent).pk, NOW)
    assert routed is not None
    assert routed.status == "assigned"
    assert routed.assignee is None
    assert Directorate.objects.filter(pk=routed.directorate_id).exists()


def test_the_rule_set_is_read_once_and_again_only_after_a_change(agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second, third = (_new_case(agent, description=f"Visita {n}, grosero.") for n in range(3))

    def rule_loads(case_id: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            case_route(case_id, NOW)
        return sum('FROM "cases_routingrule"' in q["sql"] for q in queries.captured_queries)

    # Given the rule set was loaded while routing the first case
    assert rule_loads(first.pk) == 1
    # When nothing changed, the second routing does not load it again (only the fingerprint)
    assert rule_loads(second.pk) == 0
    # When a rule is added, the next routing sees it at once
    target = Area.objects.get(code="OPERACIONES_INTEGRIDAD")
    RoutingRule.objects.create(name="Maltrato", order=1, keywords=["grosero"], area=target)
    assert rule_loads(third.pk) == 1
    assert Case.objects.get(pk=third.pk).area == target
    assert Case.objects.get(pk=second.pk).area != target


def test_a_catalog_change_reaches_routing_at_once(agent):
    # Given a routing that cached the catalog
    first, second = (_new_case(agent, description=f"Visita {n}.") for n in range(2))
    assert case_route(first.pk, NOW).area == first.service.area
    # When the service's default area is changed (saved, as the admin does)
    service = first.service
    service.area = Area.objects.get(code="OPERACIONES_INTEGRIDAD")
    service.directorate = service.area.directorate
    service.save()
    # Then the next case of that service goes to the new area, with its codes in the event
    routed = case_route(second.pk, NOW)
    assert routed is not None
    assert (routed.area.code, routed.directorate.code) == ("OPERACIONES_INTEGRIDAD", "OPERACIONES")
    event = CaseEvent.objects.get(case=second, kind="routed")
    assert (event.data["area"], event.data["directorate"]) == (
        "OPERACIONES_INTEGRIDAD",
        "OPERACIONES",
    )
