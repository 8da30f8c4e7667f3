"""`GET /api/v1/cases/`: scope, filters, ordering and keyset pagination (SPEC §8)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_transition
from contacts.services import ContactInput
from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import (
    ANA_NSS,
    PROBLEM,
    READ_WRITE,
    client_for,
    make_case,
    nss,
    session_for,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():  # type: ignore[no-untyped-def]
    return client_for("Portal Mi Cuenta", READ_WRITE)


def _folios(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [row["folio"] for row in response.json()["results"]]


def _errors(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def _cases(actor: Actor, count: int, **overrides) -> list[Case]:  # type: ignore[no-untyped-def]
    return [make_case(actor, **overrides) for _ in range(count)]


# --- scope ---------------------------------------------------------------------------------------


def test_a_client_lists_only_its_own_cases_unless_it_reads_all(portal):
    api, client = portal
    other, other_client = client_for("Otro", READ_WRITE)
    reader, _ = client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL])
    mine = make_case(Actor(client=client))
    theirs = make_case(Actor(client=other_client))

    assert _folios(api.get("/api/v1/cases/")) == [mine.folio]
    assert _folios(other.get("/api/v1/cases/")) == [theirs.folio]
    assert set(_folios(reader.get("/api/v1/cases/"))) == {mine.folio, theirs.folio}


def test_staff_list_within_their_scope(portal, agent):
    _, client = portal
    portal_case = make_case(Actor(client=client))  # OPERACIONES_QUEJAS, no office
    cesi_case = make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    cartera = staff("cartera", "area_staff", area_code="CARTERA_ADMINISTRACION")
    sup_ags = staff("sup_ags", "supervisor", office_code="DEL_AGS")
    sup_cdmx = staff("sup_cdmx", "supervisor", office_code="DEL_CDMX")

    assert _folios(session_for(agent).get("/api/v1/cases/")) == [cesi_case.folio]
    assert set(_folios(session_for(quejas).get("/api/v1/cases/"))) == {
        portal_case.folio,
        cesi_case.folio,
    }
    assert _folios(session_for(cartera).get("/api/v1/cases/")) == []
    assert _folios(session_for(sup_ags).get("/api/v1/cases/")) == []
    assert _folios(session_for(sup_cdmx).get("/api/v1/cases/")) == [cesi_case.folio]


def test_listing_needs_credentials_and_the_read_scope():
    from rest_framework.test import APIClient

    writer, _ = client_for("Sólo escritura", [Scope.CASES_WRITE])
    assert APIClient().get("/api/v1/cases/").status_code == 401
    assert writer.get("/api/v1/cases/").status_code == 403


def test_list_rows_mask_identifiers_without_contacts_read(portal):
    api, client = portal
    make_case(Actor(client=client))
    reader, _ = client_for(
        "Lector", [Scope.CASES_READ, Scope.CASES_READ_ALL, Scope.CONTACTS_READ], channel="APP"
    )
    assert api.get("/api/v1/cases/").json()["results"][0]["contact"]["nss"] == "*******4431"
    assert reader.get("/api/v1/cases/").json()["results"][0]["contact"]["nss"] == ANA_NSS


# --- pagination ---------------------------------------------------------------------------------


def test_the_cursor_walks_every_page_forward_and_back_without_duplicates(portal):
    # Given seven cases received at the very same instant (ties broken by id)
    api, client = portal
    received = timezone.now() - dt.timedelta(hours=1)
    cases = _cases(Actor(client=client), 7, received_at=received)
    expected = [case.folio for case in sorted(cases, key=lambda c: c.pk, reverse=True)]

    # When the pages of three are followed with `next`
    pages, url = [], "/api/v1/cases/?page_size=3"
    while url:
        body = api.get(url).json()
        pages.append([row["folio"] for row in body["results"]])
        last_previous, url = body["previous"], body["next"]

    # Then every case once, newest id first, and no previous link on the first page
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]
    assert api.get("/api/v1/cases/?page_size=3").json()["previous"] is None

    # And `previous` walks back the same pages
    back, url = [], last_previous
    while url:
        body = api.get(url).json()
        back.append([row["folio"] for row in body["results"]])
        url = body["previous"]
    assert back == [expected[3:6], expected[0:3]]


def test_pages_keep_the_filters_and_the_ordering(portal):
    api, client = portal
    _cases(Actor(client=client), 3)
    body = api.get("/api/v1/cases/?page_size=2&status=assigned&ordering=created_at").json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert (query["status"], query["ordering"], query["page_size"]) == (
        ["assigned"],
        ["created_at"],
        ["2"],
    )
    assert len(api.get(body["next"]).json()["results"]) == 1


@pytest.mark.parametrize("size", ["0", "101", "abc", "-1"])
def test_page_size_out_of_range_is_400(portal, size):
    api, _ = portal
    assert [field for field, _ in _errors(api.get(f"/api/v1/cases/?page_size={size}"))] == [
        "page_size"
    ]


def test_page_size_defaults_to_25(portal):
    api, client = portal
    _cases(Actor(client=client), 26, route=False)
    body = api.get("/api/v1/cases/").json()
    assert len(body["results"]) == 25
    assert body["next"] is not None
    assert len(api.get("/api/v1/cases/?page_size=100").json()["results"]) == 26


def test_a_tampered_cursor_or_one_of_another_ordering_is_400(portal):
    api, client = portal
    _cases(Actor(client=client), 2)
    next_url = api.get("/api/v1/cases/?page_size=1").json()["next"]
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]
    assert _errors(api.get("/api/v1/cases/?cursor=no-es-un-cursor")) == [("cursor", "invalid")]
    assert _errors(api.get(f"/api/v1/cases/?cursor={cursor}&ordering=priority")) == [
        ("cursor", "ordering_mismatch")
    ]


# --- ordering -----------------------------------------------------------------------------------


def test_default_order_is_newest_received_first(portal):
    api, client = portal
    now = timezone.now()
    old = make_case(Actor(client=client), received_at=now - dt.timedelta(days=2))
    new = make_case(Actor(client=client), received_at=now - dt.timedelta(hours=1))
    middle = make_case(Actor(client=client), received_at=now - dt.timedelta(days=1))
    assert _folios(api.get("/api/v1/cases/")) == [new.folio, middle.folio, old.folio]
    assert _folios(api.get("/api/v1/cases/?ordering=received_at")) == [
        old.folio,
        middle.folio,
        new.folio,
    ]


def test_ordering_by_priority_pages_through_ties(portal):
    api, client = portal
    cases = _cases(Actor(client=client), 5)
    ranks = [4, 1, 4, 2, 4]
    for case, rank in zip(cases, ranks, strict=True):
        Case.objects.filter(pk=case.pk).update(priority=rank)
    expected = [
        c.folio for c, _ in sorted(zip(cases, ranks, strict=True), key=lambda p: (-p[1], -p[0].pk))
    ]

    seen, url = [], "/api/v1/cases/?ordering=-priority&page_size=2"
    while url:
        body = api.get(url).json()
        seen += [(row["folio"], row["priority"]) for row in body["results"]]
        url = body["next"]

    assert [folio for folio, _ in seen] == expected
    assert [priority for _, priority in seen] == ["urgent"] * 3 + ["normal", "low"]


def test_unknown_ordering_is_400(portal):
    api, _ = portal
    assert _errors(api.get("/api/v1/cases/?ordering=folio")) == [("ordering", "invalid_choice")]


# --- filters ------------------------------------------------------------------------------------


def test_status_takes_several_values(portal):
    api, client = portal
    actor = Actor(client=client)
    new = make_case(actor, route=False)
    assigned = make_case(actor)
    cancelled = make_case(actor)
    case_transition(
        cancelled.folio, TransitionInput(action="cancel", reason="Duplicado"), actor, timezone.now()
    )

    assert set(_folios(api.get("/api/v1/cases/?status=new,assigned"))) == {
        new.folio,
        assigned.folio,
    }
    assert set(_folios(api.get("/api/v1/cases/?status=new&status=cancelled"))) == {
        new.folio,
        cancelled.folio,
    }
    assert _folios(api.get("/api/v1/cases/?status=cancelled")) == [cancelled.folio]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("status=foo", "status", "invalid_choice"),
        ("status=new,foo", "status", "invalid_choice"),
        ("kind=queja", "kind", "invalid_choice"),
        ("sla_state=late", "sla_state", "invalid_choice"),
        ("service=NO_EXISTE", "service", "does_not_exist"),
        ("area=NO_EXISTE", "area", "does_not_exist"),
        ("received_after=ayer", "received_after", "invalid"),
        ("status=,", "status", "empty"),
    ],
)
def test_unknown_filter_values_are_400(portal, query, field, code):
    api, _ = portal
    assert _errors(api.get(f"/api/v1/cases/?{query}")) == [(field, code)]


def test_filters_by_codes_kind_and_assignee(portal, agent):
    _, client = portal
    reader, _ = client_for("Tablero", [Scope.CASES_READ, Scope.CASES_READ_ALL], channel="APP")
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    portal_case = make_case(Actor(client=client))
    cesi_case = make_case(Actor(user=agent), channel="CESI", office="CESI_CDMX_BENITO_JUAREZ")
    cartera_case = make_case(
        Actor(user=agent),
        service="ACLARACION_PAGOS",
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
    )
    case_transition(
        cesi_case.folio, TransitionInput(action="take"), Actor(user=quejas), timezone.now()
    )

    def found(query: str) -> set[str]:
        return set(_folios(reader.get(f"/api/v1/cases/?{query}")))

    assert found("channel=CESI") == {cesi_case.folio, cartera_case.folio}
    assert found("channel=micuenta") == {portal_case.folio}
    assert found("office=CESI_CDMX_BENITO_JUAREZ&kind=complaint") == {cesi_case.folio}
    assert found("service=ACLARACION_PAGOS") == {cartera_case.folio}
    assert found("directorate=CARTERA") == {cartera_case.folio}
    assert found("area=OPERACIONES_QUEJAS") == {portal_case.folio, cesi_case.folio}
    assert found("assignee=quejas") == {cesi_case.folio}
    assert found("assignee=nadie") == set()
    assert found("kind=procedure,complaint") == {
        portal_case.folio,
        cesi_case.folio,
        cartera_case.folio,
    }


def test_filters_by_contact_identifiers_and_external_reference():
    # Only a client with contacts:write completes the contact base from a case (SPEC §8).
    api, client = client_for("Portal Mi Cuenta", [*READ_WRITE, Scope.CONTACTS_WRITE])
    actor = Actor(client=client)
    ana = make_case(actor, external_reference="MC-1")
    luis = make_case(
        actor,
        contact=ContactInput(given_names="Luis", first_surname="Gómez", nss=nss(123456789)),
        external_reference="MC-2",
    )
    ana_with_curp = make_case(
        actor,
        contact=ContactInput(
            given_names="Ana", first_surname="Pérez", nss=ANA_NSS, curp="BOXW310820HNERXN09"
        ),
    )

    assert set(_folios(api.get(f"/api/v1/cases/?nss={ANA_NSS}"))) == {
        ana.folio,
        ana_with_curp.folio,
    }
    assert _folios(api.get(f"/api/v1/cases/?nss={nss(123456789)}")) == [luis.folio]
    assert set(_folios(api.get("/api/v1/cases/?curp=boxw310820hnerxn09"))) == {
        ana.folio,
        ana_with_curp.folio,
    }  # the second intake completed Ana's contact with her CURP
    assert _folios(api.get("/api/v1/cases/?external_reference=MC-2")) == [luis.folio]
    assert set(_folios(api.get("/api/v1/cases/?external_reference=MC-1,MC-2"))) == {
        ana.folio,
        luis.folio,
    }


def test_filters_by_received_date_or_instant(portal):
    api, client = portal
    actor = Actor(client=client)
    now = timezone.now()
    week_ago = make_case(actor, received_at=now - dt.timedelta(days=7))
    yesterday = make_case(actor, received_at=now - dt.timedelta(days=1))
    today = make_case(actor, received_at=now - dt.timedelta(minutes=1))
    cut = (now - dt.timedelta(days=3)).isoformat()
    day_of_week_ago = timezone.localdate(week_ago.received_at).isoformat()

    assert set(_folios(api.get("/api/v1/cases/", {"received_after": cut}))) == {
        yesterday.folio,
        today.folio,
    }
    assert _folios(api.get("/api/v1/cases/", {"received_before": cut})) == [week_ago.folio]
    unencoded = cut.replace("+", " ")  # "+00:00" sent without URL-encoding arrives as " 00:00"
    assert _folios(api.get(f"/api/v1/cases/?received_before={unencoded}")) == [week_ago.folio]
    assert _folios(api.get("/api/v1/cases/", {"received_before": day_of_week_ago})) == [
        week_ago.folio
    ]  # a date includes its whole day
    assert _folios(
        api.get("/api/v1/cases/", {"received_after": day_of_week_ago, "received_before": cut})
    ) == [week_ago.folio]


def test_q_finds_a_folio_or_words_of_the_subject(portal):
    api, client = portal
    actor = Actor(client=client)
    first = make_case(actor, subject="Cobro indebido")
    second = make_case(actor, subject="Otra cosa")
    assert _folios(api.get(f"/api/v1/cases/?q={second.folio}")) == [second.folio]
    assert _folios(api.get("/api/v1/cases/?q=INDEBIDO")) == [first.folio]


def test_sla_state_filter_agrees_with_the_state_shown(portal):
    api, client = portal
    actor = Actor(client=client)
    late, fine = make_case(actor), make_case(actor)
    past = timezone.now() - dt.timedelta(minutes=5)
    Case.objects.filter(pk=late.pk).update(
        received_at=past - dt.timedelta(hours=2),
        warn_at=past - dt.timedelta(hours=1),
        resolution_due_at=past,
    )
    body = api.get("/api/v1/cases/?sla_state=breached").json()
    assert [(row["folio"], row["sla"]["state"]) for row in body["results"]] == [
        (late.folio, "breached")
    ]
    assert _folios(api.get("/api/v1/cases/?sla_state=on_track")) == [fine.folio]


# --- queries ------------------------------------------------------------------------------------


def _queries(api, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_5_and_20_cases(portal, django_assert_num_queries):
    api, client = portal
    actor = Actor(client=client)
    _cases(actor, 5)
    api.get("/api/v1/cases/")  # the client's last use is recorded once a minute
    few = _queries(api, "/api/v1/cases/")
    _cases(actor, 15)
    many = _queries(api, "/api/v1/cases/")
    assert few == many
    # the client with the catalog fingerprint (request_stamps), the page of cases (contact and
    # assignee joined)
    with django_assert_num_queries(2):
        api.get("/api/v1/cases/?page_size=20")


def test_a_session_list_is_planned_too(django_assert_num_queries):
    admin = staff("admin", "admin")
    for _ in range(5):
        make_case(Actor(user=admin))
    api = session_for(admin)
    few = _queries(api, "/api/v1/cases/")
    for _ in range(15):
        make_case(Actor(user=admin))
    assert _queries(api, "/api/v1/cases/") == few
    # session, user (with profile), the page of cases, the contact-access log (an administrator
    # sees identifiers unmasked: the log's chain head, then the insert; ADR 0013), the catalog
    # fingerprint
    with django_assert_num_queries(6):
        api.get("/api/v1/cases/")


def test_an_unknown_filter_value_is_named_in_the_message(portal):
    api, _ = portal
    body = api.get("/api/v1/cases/?status=new,volando").json()
    assert body["errors"] == [
        {
            "field": "status",
            "code": "invalid_choice",
            "message": "Valor desconocido «volando»; se admiten: new, assigned, in_progress, "
            "waiting, resolved, closed, cancelled.",
        }
    ]
