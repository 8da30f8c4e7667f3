"""The workspace's second version (issue 19): home is each role's workload, queues drop the
columns they make redundant and read names, the bulk pickers are scoped, and a citizen's reply
marks the row (issue 18) without a query per row."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.services import TransitionInput, case_citizen_reply, case_transition
from tests.support.cases import make_case, staff

pytestmark = pytest.mark.django_db

OFFICE = "CESI_CDMX_BENITO_JUAREZ"


@pytest.fixture
def quejas(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


def _workload(client, user):
    client.force_login(user)
    return {item.key: item for item in client.get("/").context["workload"]}


def _folios(response) -> list[str]:
    return sorted(case.folio for case, _badge in response.context["rows"])


def test_the_agent_s_home_counts_today_at_the_office_and_their_own(client, agent, quejas):
    now = timezone.now()
    today = [make_case(Actor(user=agent), channel="CESI", office=OFFICE) for _ in range(2)]
    yesterday = now - dt.timedelta(days=1)
    make_case(Actor(user=agent), channel="CESI", office=OFFICE, received_at=yesterday, now=now)
    make_case(Actor(user=agent))  # the portal: not the agent's office

    items = _workload(client, agent)

    assert list(items) == ["office_today", "mine"]
    assert (items["office_today"].count, items["mine"].count) == (2, 0)
    local = timezone.localdate(now).isoformat()
    assert items["office_today"].url == (
        f"/casos/?cola=office&received_after={local}&received_before={local}"
    )
    # The link lists exactly the cases counted.
    assert _folios(client.get(items["office_today"].url)) == sorted(c.folio for c in today)


def test_area_staff_home_counts_their_area_s_unassigned_and_their_own(client, agent, quejas):
    taken, *waiting = (make_case(Actor(user=agent)) for _ in range(3))
    case_transition(taken.folio, TransitionInput("take"), Actor(user=quejas), timezone.now())
    staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")

    items = _workload(client, quejas)

    assert {key: item.count for key, item in items.items()} == {"area_unassigned": 2, "mine": 1}
    assert _folios(client.get(items["area_unassigned"].url)) == sorted(c.folio for c in waiting)
    assert _folios(client.get(items["mine"].url)) == [taken.folio]


def test_the_supervisor_s_home_counts_at_risk_and_overdue_in_scope(client, agent):
    now = timezone.now()
    late = make_case(Actor(user=agent), received_at=now - dt.timedelta(days=29), now=now)
    make_case(Actor(user=agent))
    tijuana = staff("sup_tijuana", "supervisor", office_code="CESI_TIJUANA")
    national = staff("sup_nacional", "supervisor", national=True)

    assert {k: i.count for k, i in _workload(client, national).items()} == {
        "at_risk": 0,
        "breached": 1,
    }
    assert _folios(client.get("/casos/?cola=breached")) == [late.folio]
    assert {k: i.count for k, i in _workload(client, tijuana).items()} == {
        "at_risk": 0,
        "breached": 0,
    }


def test_home_costs_a_bounded_number_of_queries_whatever_the_cases(client, agent):
    client.force_login(agent)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(4):
        make_case(Actor(user=agent), channel="CESI", office=OFFICE)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.context["workload"][0].count == 4
    assert len(many) == len(few) <= 8


def test_queues_drop_the_columns_they_already_say(client, agent, quejas, supervisor):
    make_case(Actor(user=agent))
    client.force_login(quejas)
    area = client.get("/casos/?cola=area").content.decode()
    assert '<th scope="col">Área</th>' not in area
    assert '<th scope="col">Responsable</th>' in area
    mine = client.get("/casos/?cola=mine").content.decode()
    assert '<th scope="col">Responsable</th>' not in mine
    client.force_login(supervisor)
    everything = client.get("/casos/?cola=all").content.decode()
    assert '<th scope="col">Área</th>' in everything
    assert '<th scope="col">Responsable</th>' in everything
    assert client.get("/casos/?cola=mine").context["queue_description"]


def test_filters_and_rows_read_names_not_codes(client, agent, quejas, django_user_model):
    case = make_case(Actor(user=agent))
    django_user_model.objects.filter(pk=quejas.pk).update(first_name="Ana", last_name="López")
    case_transition(case.folio, TransitionInput("take"), Actor(user=quejas), timezone.now())
    client.force_login(agent)
    html = (
        client.get("/casos/?cola=office").content.decode()
        + client.get("/casos/?cola=mine").content.decode()
    )
    assert "(QUEJA_CANALES_DIGITALES)" not in html
    assert ">Queja sobre Mi Cuenta Infonavit o la app</option>" in html
    client.force_login(staff("sup", "supervisor", national=True))
    html = client.get("/casos/?cola=all").content.decode()
    assert "Ana López" in html and ">quejas<" not in html


def test_the_bulk_pickers_offer_area_staff_by_name_and_areas(client, supervisor, agent, quejas):
    client.force_login(supervisor)
    response = client.get("/casos/?cola=all")
    people = [u.username for choice in response.context["assignees"] for u in choice.members]
    assert people == ["quejas"]
    html = response.content.decode()
    assert '<option value="quejas">quejas</option>' in html
    assert '<option value="CARTERA_CANCELACION">Subdirección de Liberación' in html
    # htmx swaps only the rows: the pickers are not read again.
    fragment = client.get("/casos/?cola=all", HTTP_HX_REQUEST="true")
    assert fragment.context["assignees"] == []


def test_the_citizen_s_reply_marks_its_row_at_a_constant_query_count(client, agent, supervisor):
    client.force_login(supervisor)
    first = make_case(Actor(user=agent))
    case_citizen_reply(first.folio, "Adjunto el documento.", timezone.now())
    client.get("/casos/?cola=all")  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        response = client.get("/casos/?cola=all")
    assert response.context["replied"] == {first.pk}
    assert response.content.decode().count("Respuesta del ciudadano") == 1
    for _ in range(5):
        case = make_case(Actor(user=agent))
        case_citizen_reply(case.folio, "Otro documento.", timezone.now())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/casos/?cola=all")
    assert len(response.context["replied"]) == 6
    assert len(many) == len(few)


def test_the_case_page_assigns_from_the_case_s_area_staff_by_name(
    client, agent, quejas, supervisor, django_user_model
):
    django_user_model.objects.filter(pk=quejas.pk).update(first_name="Ana", last_name="López")
    staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    case = make_case(Actor(user=agent))
    client.force_login(supervisor)
    response = client.get(f"/casos/{case.folio}/")
    assert [u.username for u in response.context["members"]] == ["quejas"]
    assert '<option value="quejas">Ana López</option>' in response.content.decode()
    client.post(
        f"/casos/{case.folio}/accion/",
        {"action": "assign", "assignee": "quejas", "version": response.context["case"].version},
    )
    assert "Ana López" in client.get(f"/casos/{case.folio}/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign"}, "Elija a quién se asignan los casos."),
        ({"action": "transfer", "reason": "x"}, "Elija el área a la que se transfieren los casos."),
        (
            {"action": "transfer", "area": "CARTERA_CANCELACION"},
            "Escriba el motivo de la transferencia.",
        ),
    ],
)
def test_a_bulk_action_without_its_target_is_refused_once(client, agent, supervisor, data, message):
    case = make_case(Actor(user=agent))
    client.force_login(supervisor)
    response = client.post("/casos/masivo/", {**data, "folios": [case.folio]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [message]
    unchanged = type(case).objects.get(pk=case.pk)
    assert (unchanged.assignee, unchanged.area.code) == (None, "OPERACIONES_QUEJAS")
