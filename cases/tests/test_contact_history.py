"""The contact's other cases on the case page (issue 19, item 10): scope, bounds, query count."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.events import Actor
from cases.models import Case
from cases.selectors.contact_history import contact_history_for
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from tests.support.cases import ContactFactory, make_case

pytestmark = pytest.mark.django_db
HERE = "CESI_CDMX_BENITO_JUAREZ"
ELSEWHERE = "CESI_TIJUANA"


def _case(actor: Actor, office: str, *, days_ago: int, **overrides) -> Case:
    now = timezone.now() - dt.timedelta(days=days_ago)
    return make_case(actor, channel="CESI", office=office, now=now, received_at=now, **overrides)


def test_the_agent_sees_only_the_other_cases_of_their_office_newest_first(agent, supervisor):
    # Given Ana's cases at the agent's Cesi and at another one
    boss = Actor(user=supervisor)
    shown = _case(boss, HERE, days_ago=3)
    older = _case(boss, HERE, days_ago=9, service="ASESORIA_PRODUCTO_CREDITO")
    _case(boss, ELSEWHERE, days_ago=1)
    current = _case(boss, HERE, days_ago=0)

    history = contact_history_for(Actor(user=agent), current)

    # Then the agent sees the two of their office, not the current one nor the Tijuana one
    assert [c.folio for c in history.cases] == [shown.folio, older.folio]
    assert history.more is False
    # … and the open queja of the same service is the warning
    assert [c.folio for c in history.open_same_service] == [shown.folio]


def test_a_national_supervisor_sees_every_other_case(supervisor):
    boss = Actor(user=supervisor)
    tijuana = _case(boss, ELSEWHERE, days_ago=1)
    current = _case(boss, HERE, days_ago=0)

    history = contact_history_for(boss, current)

    assert [c.folio for c in history.cases] == [tijuana.folio]


def test_no_warning_once_the_other_case_of_the_service_is_resolved(supervisor):
    boss = Actor(user=supervisor)
    other = _case(boss, HERE, days_ago=2)
    case_transition(
        other.folio,
        TransitionInput(action="resolve", resolution="Se atendió."),
        boss,
        timezone.now(),
    )
    current = _case(boss, HERE, days_ago=0)

    history = contact_history_for(boss, current)

    assert [(c.folio, c.status) for c in history.cases] == [(other.folio, "resolved")]
    assert history.open_same_service == []


def test_the_list_is_bounded_and_costs_two_queries(supervisor, django_assert_num_queries):
    # Given more other cases than the page shows
    boss = Actor(user=supervisor)
    others = [_case(boss, HERE, days_ago=10 - i) for i in range(5)]
    current = _case(boss, HERE, days_ago=0)
    current = Case.objects.get(pk=current.pk)

    # When the page reads three of them (one query; one more for the warning)
    with django_assert_num_queries(2):
        history = contact_history_for(boss, current, limit=3)
        names = [c.service.name for c in history.cases]

    # Then the three newest, and it says there are more
    assert [c.folio for c in history.cases] == [c.folio for c in others[::-1][:3]]
    assert len(names) == 3 and history.more is True
    assert len(history.open_same_service) == 5


def test_another_persons_cases_never_show(supervisor):
    boss = Actor(user=supervisor)
    _case(boss, HERE, days_ago=1, contact=ContactFactory(nss="12345678903", given_names="Luis"))
    current = _case(boss, HERE, days_ago=0)

    assert contact_history_for(boss, current).cases == []


def test_an_anonymous_denuncia_has_no_history(supervisor):
    boss = Actor(user=supervisor)
    _case(boss, HERE, days_ago=1)
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

    history = contact_history_for(boss, denuncia)

    assert (history.cases, history.open_same_service, history.more) == ([], [], False)
