"""Cross-office, cross-area, cross-directorate and cross-client access: 404, never data (SPEC §9).

Every case page, action and API operation of `inventory.ROUTES` is tried by every outsider of
the world (conftest): the answer is 404, the body shows nothing of the case, and the case, its
timeline, comments, attachments and the contact access log stay exactly as they were. The same
request from an insider succeeds (`Route.insider`), so the 404 is the scope's doing and not a
malformed request.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from contacts.models import ContactAccessLog
from webhooks.models import WebhookSubscription

from .inventory import (
    API_CASE,
    API_OWNED,
    CASE,
    OWNED,
    ROUTES,
    call_for,
    route_methods,
    send,
)
from .support import ANA_NSS, DESCRIPTION, INSIDERS, OUTSIDERS

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
MEXICO_CITY = ZoneInfo("America/Mexico_City")  # the indicators' local dates
SECRETS = (DESCRIPTION, ANA_NSS, "Nota interna del caso objetivo", "constancia.pdf")


def _leaks(response) -> list[str]:  # type: ignore[no-untyped-def]
    body = b"" if getattr(response, "streaming", False) else response.content
    return [secret for secret in SECRETS if secret.encode() in body]


def _refused_as_missing(world, client, call, expected=(404,)):  # type: ignore[no-untyped-def]
    before = (world.footprint(), ContactAccessLog.objects.count())
    response = send(client, call)
    problems = []
    if response.status_code not in expected:
        problems.append(f"status {response.status_code}")
    if _leaks(response):
        problems.append(f"leaks {_leaks(response)}")
    if (world.footprint(), ContactAccessLog.objects.count()) != before:
        problems.append("changed the case")
    return problems, response


@pytest.mark.parametrize(("route", "method"), route_methods(CASE))
def test_outsiders_get_404_on_every_case_page_and_action(world, route, method):
    failures = {}
    for username in OUTSIDERS:
        # Area staff do not register cases: the intake acknowledgement is closed to them (403).
        expected = (403,) if route.startswith("atencion/") and "staff" in username else (404,)
        problems, _ = _refused_as_missing(
            world, world.session(username), call_for(world, route, method), expected
        )
        if problems:
            failures[username] = problems
    assert failures == {}


@pytest.mark.parametrize(("route", "method"), route_methods(CASE))
def test_an_insider_reaches_every_case_page_and_action(world, route, method):
    response = send(world.session("agent"), call_for(world, route, method))
    assert response.status_code in ROUTES[route].insider, response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith(f"/casos/{world.case.folio}/")


@pytest.mark.parametrize("username", INSIDERS)
def test_every_insider_role_sees_the_case_page(world, username):
    assert world.session(username).get(f"/casos/{world.case.folio}/").status_code == 200


@pytest.mark.parametrize(("route", "method"), route_methods(API_CASE))
def test_outsiders_get_404_on_every_case_api_operation(world, route, method):
    callers = {name: world.session(name) for name in OUTSIDERS}
    callers["client:stranger"] = world.api("stranger")
    failures = {}
    for name, caller in callers.items():
        problems, response = _refused_as_missing(world, caller, call_for(world, route, method))
        if response.status_code == 404 and response["Content-Type"] != PROBLEM:
            problems.append("not a problem body")
        if problems:
            failures[name] = problems
    assert failures == {}


@pytest.mark.parametrize(("route", "method"), route_methods(API_CASE))
@pytest.mark.parametrize("caller", ["client:owner", "client:reader_all", "session:agent"])
def test_insiders_reach_every_case_api_operation(world, route, method, caller):
    kind, name = caller.split(":")
    api = world.api(name) if kind == "client" else world.session(name)
    response = send(api, call_for(world, route, method))
    assert 200 <= response.status_code < 300, response.content


@pytest.mark.parametrize(("route", "method"), route_methods(API_OWNED))
def test_another_clients_webhook_subscription_is_404(world, route, method):
    response = send(world.api("stranger"), call_for(world, route, method))
    assert response.status_code == 404
    assert WebhookSubscription.objects.filter(client=world.clients["owner"], active=True).exists()
    assert 200 <= send(world.api("owner"), call_for(world, route, method)).status_code < 300


@pytest.mark.parametrize(("route", "method"), route_methods(OWNED))
def test_another_users_export_job_is_404(world, route, method):
    call = call_for(world, route, method)
    for username in ("agent", "sup_tijuana", "admin"):
        response = send(world.session(username), call)
        assert response.status_code == 404, username
    assert send(world.session("supervisor"), call).status_code in ROUTES[route].insider


def test_a_client_without_read_all_lists_only_the_cases_it_created(world):
    assert world.api("stranger").get("/api/v1/cases/").json()["results"] == []
    owned = world.api("owner").get("/api/v1/cases/").json()["results"]
    assert [case["folio"] for case in owned] == [world.case.folio]
    everything = world.api("reader_all").get("/api/v1/cases/").json()["results"]
    assert world.case.folio in [case["folio"] for case in everything]


@pytest.mark.parametrize("filters", ["", "?nss=" + ANA_NSS, "?q=confidencial", "?status=assigned"])
def test_outsider_lists_never_include_the_case(world, filters):
    for username in OUTSIDERS:
        results = world.session(username).get(f"/api/v1/cases/{filters}").json()["results"]
        assert results == [], username
    assert world.api("stranger").get(f"/api/v1/cases/{filters}").json()["results"] == []


@pytest.mark.parametrize(
    "queue", ["mine", "area", "office", "unassigned", "at_risk", "breached", "all"]
)
def test_no_queue_of_an_outsider_shows_the_case(world, queue):
    for username in OUTSIDERS:
        page = world.session(username).get(f"/casos/?cola={queue}&q=", follow=True)
        assert page.status_code == 200, username
        assert world.case.folio not in page.content.decode(), (username, queue)


def test_the_insiders_office_queue_does_show_it(world):
    page = world.session("agent").get("/casos/?cola=office")
    assert world.case.folio in page.content.decode()


def test_the_intake_contact_card_lists_only_cases_the_agent_may_see(world):
    """The single contact base is searchable by every registering user; their cases are not."""
    path = f"/atencion/registro/contactos/{world.case.contact_id}/"
    outsider = world.session("agent_tijuana").get(path).content.decode()
    insider = world.session("agent").get(path).content.decode()
    assert world.case.folio not in outsider
    assert world.case.folio in insider
    assert ANA_NSS not in outsider and ANA_NSS not in insider  # masked for both


def test_the_dashboard_drill_down_of_another_scope_omits_the_case(world):
    today = timezone.localtime(world.case.received_at, MEXICO_CITY).date().isoformat()
    query = f"/tablero/casos/?metric=received&from={today}&to={today}"
    outsiders = ("sup_tijuana", "sup_iztapalapa", "sup_cartera")
    for username in outsiders:
        page = world.session(username).get(query)
        assert world.case.folio not in page.content.decode(), username
    assert world.case.folio in world.session("supervisor").get(query).content.decode()


def _export(session, queue: str) -> str:  # type: ignore[no-untyped-def]
    response = session.post(
        "/exportaciones/casos/", {"consulta": f"cola={queue}", "formato": "csv"}
    )
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_case_exports_hold_only_visible_cases_with_identifiers_masked(world):
    for username in ("agent_tijuana", "sup_tijuana", "sup_cartera"):
        assert world.case.folio not in _export(world.session(username), "all"), username
    insider = _export(world.session("agent"), "office")
    assert world.case.folio in insider
    assert ANA_NSS not in insider
