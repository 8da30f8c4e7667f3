"""Selectors behind the workspace (issue 18's badge, issue 19's bulk pickers): which cases await
a staff answer to the citizen, and whom and where a user may assign and transfer cases."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.selectors.assignment import assignees_for, transfer_areas_for
from cases.selectors.replies import cases_awaiting_reply
from cases.services import TransitionInput, case_citizen_reply, case_transition, comment_add
from catalog.models import Area
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def quejas(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


def test_a_case_awaits_a_reply_while_the_citizen_wrote_last_in_public(quejas):
    now = timezone.now()
    replied, answered, internal_only, silent = (make_case(Actor()) for _ in range(4))
    for case in (replied, answered, internal_only):
        comment_add(case.folio, "Envíe su identificación.", True, Actor(user=quejas), now)
        case_citizen_reply(case.folio, "Ya la envié.", now)
    comment_add(answered.folio, "Recibida.", True, Actor(user=quejas), now)
    # An internal note is not an answer to the citizen.
    comment_add(internal_only.folio, "Revisar con el banco.", False, Actor(user=quejas), now)
    ids = [case.pk for case in (replied, answered, internal_only, silent)]

    with CaptureQueriesContext(connection) as queries:
        waiting = cases_awaiting_reply(ids)

    assert waiting == {replied.pk, internal_only.pk}
    assert len(queries) == 1


def test_a_closed_case_awaits_no_reply_and_no_ids_cost_no_query(quejas):
    case = make_case(Actor())
    case_citizen_reply(case.folio, "Gracias.", timezone.now())
    case_transition(
        case.folio,
        TransitionInput("cancel", reason="duplicado"),
        Actor(user=quejas),
        timezone.now(),
    )
    assert cases_awaiting_reply([case.pk]) == set()
    with CaptureQueriesContext(connection) as queries:
        assert cases_awaiting_reply([]) == set()
    assert len(queries) == 0


def test_supervisors_assign_to_active_area_staff_by_area(supervisor, agent, quejas):
    cartera = staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    gone = staff("baja", "area_staff", area_code="CARTERA_CANCELACION")
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)

    with CaptureQueriesContext(connection) as queries:
        choices = assignees_for(Actor(user=supervisor))

    offered = {choice.area.code: [u.username for u in choice.members] for choice in choices}
    assert offered == {"OPERACIONES_QUEJAS": ["quejas"], "CARTERA_CANCELACION": ["cartera"]}
    assert len(queries) <= 3
    assert cartera.pk in {u.pk for choice in choices for u in choice.members}


def test_a_directorate_supervisor_is_offered_only_their_directorate_s_people(quejas):
    staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    boss = staff("sup_cartera", "supervisor", directorate_code="CARTERA")
    offered = [u.username for choice in assignees_for(Actor(user=boss)) for u in choice.members]
    assert offered == ["cartera"]
    areas = transfer_areas_for(Actor(user=boss))
    assert {area.code for area in areas} == set(
        Area.objects.filter(active=True).values_list("code", flat=True)
    )


def test_who_may_not_assign_or_transfer_is_offered_nobody_and_nowhere(agent, quejas):
    assert assignees_for(Actor(user=agent)) == []
    assert transfer_areas_for(Actor(user=agent)) == []
    assert assignees_for(Actor(user=quejas)) == []  # area staff transfer but do not assign
    assert transfer_areas_for(Actor(user=quejas)) != []
