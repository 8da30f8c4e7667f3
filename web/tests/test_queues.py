"""Work queues: scoping through cases.selectors, filters, keyset pages, SLA badges, bulk actions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_transition
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db


def _folios(response) -> list[str]:
    return [case.folio for case, _badge in response.context["rows"]]


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


def test_agent_office_queue_shows_only_the_office_cases(client, agent):
    # given a case at the agent's Cesi and a portal case elsewhere
    mine = make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    make_case(Actor(user=agent))
    client.force_login(agent)
    # when the agent opens their office queue
    response = client.get("/casos/?cola=office")
    # then only the Cesi case is listed
    assert response.status_code == 200
    assert _folios(response) == [mine.folio]


def test_mine_unassigned_and_area_queues(client, agent, quejas_staff):
    taken = make_case(Actor(user=agent))
    waiting = make_case(Actor(user=agent))
    case_transition(taken.folio, TransitionInput("take"), Actor(user=quejas_staff), timezone.now())
    client.force_login(quejas_staff)
    assert _folios(client.get("/casos/?cola=mine")) == [taken.folio]
    assert _folios(client.get("/casos/?cola=unassigned")) == [waiting.folio]
    assert set(_folios(client.get("/casos/?cola=area"))) == {taken.folio, waiting.folio}


def test_at_risk_and_breached_queues_follow_the_clock(client, agent, supervisor):
    now = timezone.now()
    late = make_case(Actor(user=agent), received_at=now - dt.timedelta(days=29), now=now)
    fresh = make_case(Actor(user=agent))
    client.force_login(supervisor)
    breached = client.get("/casos/?cola=breached")
    assert _folios(breached) == [late.folio]
    badge = breached.context["rows"][0][1]
    assert badge.state == "breached"
    assert badge.left.startswith("Vencido hace ") and badge.left.endswith(" días hábiles")
    assert fresh.folio not in _folios(client.get("/casos/?cola=at_risk"))


def test_the_badge_counts_business_time_left(client, agent, supervisor):
    make_case(Actor(user=agent))
    client.force_login(supervisor)
    badge = client.get("/casos/?cola=all").context["rows"][0][1]
    assert badge.state == "on_track"
    assert badge.left.endswith(" días hábiles")


def test_text_search_and_status_filter(client, agent, supervisor):
    pago = make_case(Actor(user=agent), subject="Pago no aplicado")
    make_case(Actor(user=agent), subject="Constancia")
    client.force_login(supervisor)
    assert _folios(client.get("/casos/?cola=all&q=pago")) == [pago.folio]
    assert _folios(client.get(f"/casos/?cola=all&q={pago.folio}")) == [pago.folio]
    assert _folios(client.get("/casos/?cola=all&status=resolved")) == []


def test_keyset_pages_by_due_instant(client, agent, supervisor, monkeypatch):
    monkeypatch.setattr("web.views.queues.PAGE_SIZE", 2)
    now = timezone.now()
    for days in (1, 4, 9):  # some share a due instant: ties are ordered by id
        make_case(Actor(user=agent), received_at=now - dt.timedelta(days=days, hours=1), now=now)
        make_case(Actor(user=agent), received_at=now - dt.timedelta(days=days), now=now)
    expected = [c.folio for c in Case.objects.order_by("resolution_due_at", "pk")]
    client.force_login(supervisor)
    first = client.get("/casos/?cola=all&orden=due")
    assert first.context["previous_url"] is None
    second = client.get(first.context["next_url"])
    third = client.get(second.context["next_url"])
    assert _folios(first) + _folios(second) + _folios(third) == expected
    assert third.context["next_url"] is None
    back = client.get(third.context["previous_url"])
    assert _folios(back) == expected[2:4]


def test_a_bad_cursor_falls_back_to_the_first_page(client, agent, supervisor):
    case = make_case(Actor(user=agent))
    client.force_login(supervisor)
    response = client.get("/casos/?cola=all&cursor=basura")
    assert response.status_code == 200
    assert _folios(response) == [case.folio]
    assert response.context["problem"]


def test_htmx_requests_get_only_the_results(client, agent, supervisor):
    make_case(Actor(user=agent))
    client.force_login(supervisor)
    response = client.get("/casos/?cola=all", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_the_queue_page_costs_a_constant_number_of_queries(client, agent, supervisor):
    client.force_login(supervisor)
    make_case(Actor(user=agent))
    client.get("/casos/?cola=all")  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        client.get("/casos/?cola=all")
    for _ in range(5):
        make_case(Actor(user=agent))
    with CaptureQueriesContext(connection) as many:
        client.get("/casos/?cola=all")
    assert len(many) == len(few)


def test_bulk_transfer_reports_successes_and_failures(client, agent, supervisor):
    ok = make_case(Actor(user=agent))
    closed = make_case(Actor(user=agent))
    case_transition(
        closed.folio,
        TransitionInput("cancel", reason="duplicado"),
        Actor(user=supervisor),
        timezone.now(),
    )
    client.force_login(supervisor)
    response = client.post(
        "/casos/masivo/",
        {
            "action": "transfer",
            "area": "CARTERA_CANCELACION",
            "reason": "le corresponde",
            "folios": [ok.folio, closed.folio, "ATN-2026-99999999"],
            "next": "/casos/?cola=all",
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0] == f"1 caso(s) actualizados: {ok.folio}."
    assert len(texts) == 3
    assert closed.folio in texts[1] and "ATN-2026-99999999" in texts[2]
    assert Case.objects.get(pk=ok.pk).area.code == "CARTERA_CANCELACION"
    assert Case.objects.get(pk=closed.pk).status == "cancelled"


def test_bulk_assign_to_an_area_member(client, agent, supervisor, quejas_staff):
    case = make_case(Actor(user=agent))
    client.force_login(supervisor)
    client.post(
        "/casos/masivo/", {"action": "assign", "assignee": "quejas", "folios": [case.folio]}
    )
    assert Case.objects.get(pk=case.pk).assignee == quejas_staff


def test_bulk_actions_are_for_supervisors_only(client, agent, quejas_staff):
    case = make_case(Actor(user=agent))
    client.force_login(quejas_staff)
    response = client.post(
        "/casos/masivo/", {"action": "assign", "assignee": "quejas", "folios": [case.folio]}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).assignee is None


def test_bulk_cannot_reach_cases_outside_the_scope(client, agent):
    office_supervisor = staff("sup_tijuana", "supervisor", office_code="CESI_TIJUANA")
    case = make_case(Actor(user=agent))  # a portal case, not Tijuana's
    client.force_login(office_supervisor)
    response = client.post(
        "/casos/masivo/",
        {
            "action": "transfer",
            "area": "CARTERA_CANCELACION",
            "reason": "x",
            "folios": [case.folio],
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"No se pudo: {case.folio}: No existe el caso {case.folio}."
    ]
    assert Case.objects.get(pk=case.pk).area.code == "OPERACIONES_QUEJAS"


@pytest.mark.parametrize("url", ["/casos/", "/casos/ATN-2026-00000001/", "/cuenta/contrasena/"])
def test_staff_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_user_without_a_profile_has_no_queues(client, django_user_model):
    nobody = django_user_model.objects.create_user("sin_perfil", password="x-clave-larga-2026")
    client.force_login(nobody)
    assert client.get("/casos/").status_code == 403


def test_each_role_is_offered_its_queues(client, agent, area_staff, supervisor, admin_user):
    offered = {}
    for user in (agent, area_staff, supervisor, admin_user):
        client.force_login(user)
        offered[user.username] = [
            key for key, _label in client.get("/casos/").context["nav"].queues
        ]
    assert offered == {
        "asesor": ["mine", "office", "unassigned", "at_risk", "breached"],
        "personal": ["mine", "area", "unassigned", "at_risk", "breached"],
        "supervisor": ["mine", "unassigned", "at_risk", "breached", "all"],
        "administrador": ["mine", "unassigned", "at_risk", "breached", "all"],
    }


def test_work_queues_put_the_first_due_on_top_and_all_the_newest(client, agent, supervisor):
    now = timezone.now()
    old = make_case(Actor(user=agent), received_at=now - dt.timedelta(days=20), now=now)
    new = make_case(Actor(user=agent))
    client.force_login(supervisor)
    assert _folios(client.get("/casos/?cola=all")) == [new.folio, old.folio]
    assert _folios(client.get("/casos/?cola=unassigned")) == [old.folio, new.folio]
    html = client.get("/casos/?cola=all").content.decode()
    assert '<option value="-received" selected>' in html
