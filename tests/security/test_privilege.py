"""Privilege escalation: agents and area staff trying supervisor or administrator actions.

What each role may do on a case it sees is one table (`cases.permissions`); the browser, the
bulk page and the API all go through it, so no door is left open by using another one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.models import Case
from tests.support.accounts import TEST_PASSWORD

from .support import World

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
CONTACT = {"given_names": "Luis", "first_surname": "Gómez"}

# Bodies that would succeed for a supervisor: a refusal can only come from the role.
ACTION_BODIES = {
    "assign": {"action": "assign", "assignee": "quejas"},
    "transfer": {
        "action": "transfer",
        "area": "CARTERA_CANCELACION",
        "reason": "Le toca a Cartera",
    },
    "reclassify": {"action": "reclassify", "service": "QUEJA_ATENCION_CESI"},
    "cancel": {"action": "cancel", "reason": "Duplicado"},
}
# role → actions outside its reach (the rest of ACTION_BODIES is within it)
FORBIDDEN = {
    "agent": ("assign", "transfer", "reclassify", "cancel"),
    "quejas_staff": ("assign", "cancel"),
}
ESCALATIONS = [(user, action) for user, actions in FORBIDDEN.items() for action in actions]


@pytest.mark.parametrize(("username", "action"), ESCALATIONS)
def test_the_case_page_refuses_actions_beyond_the_role(world: World, username, action):
    before = world.footprint()
    response = world.session(username).post(
        f"/casos/{world.case.folio}/accion/", ACTION_BODIES[action]
    )
    assert response.status_code == 403
    assert world.footprint() == before


@pytest.mark.parametrize(("username", "action"), ESCALATIONS)
def test_the_api_refuses_the_same_actions_to_the_same_browser_users(world, username, action):
    before = world.footprint()
    response = world.session(username).post(
        f"/api/v1/cases/{world.case.folio}/transitions/", ACTION_BODIES[action], format="json"
    )
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == PROBLEM
    assert world.footprint() == before


@pytest.mark.parametrize("action", sorted(ACTION_BODIES))
@pytest.mark.parametrize("username", ["supervisor", "sup_operaciones", "admin"])
def test_supervisors_and_administrators_may_take_those_actions(world, username, action):
    response = world.session(username).post(
        f"/api/v1/cases/{world.case.folio}/transitions/", ACTION_BODIES[action], format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("action", sorted(ACTION_BODIES))
def test_an_api_client_may_take_every_action_on_cases_it_sees(world, action):
    """SPEC §4: an API client may perform every action on cases it can see."""
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/transitions/", ACTION_BODIES[action], format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("username", ["agent", "quejas_staff"])
@pytest.mark.parametrize("action", ["assign", "transfer"])
def test_bulk_assign_and_transfer_are_for_supervisors_only(world, username, action):
    before = world.footprint()
    body = {**ACTION_BODIES[action], "folios": [world.case.folio]}
    assert world.session(username).post("/casos/masivo/", body).status_code == 403
    assert world.footprint() == before
    assert world.session("supervisor").post("/casos/masivo/", body).status_code == 302
    assert world.footprint() != before


def test_mass_assignment_in_a_patch_is_refused_and_changes_nothing(world):
    case = world.fresh()
    body = {
        "priority": "urgent",
        "status": "closed",
        "area": "CARTERA_CANCELACION",
        "assignee": "asesor",
        "version": 999,
        "tracking_code": "ABCDEFGHJK",
        "resolution": "Resuelto por un intruso",
    }
    before = world.footprint()
    response = world.api("owner").patch(
        f"/api/v1/cases/{case.folio}/",
        body,
        format="json",
        headers={"If-Match": f'"{case.version}"'},
    )
    assert response.status_code == 400
    refused = {e["field"] for e in response.json()["errors"] if e["code"] == "unknown_field"}
    assert refused == set(body) - {"priority"}
    assert world.footprint() == before
    assert world.fresh().tracking_code == case.tracking_code


def test_mass_assignment_at_creation_cannot_pick_status_assignee_or_creator(world):
    body = {
        "service": "QUEJA_CANALES_DIGITALES",
        "office": "CESI_CDMX_BENITO_JUAREZ",
        "contact": CONTACT,
        "description": "Caso con campos de más",
        "status": "closed",
        "assignee": "asesor",
        "area": "CARTERA_CANCELACION",
        "created_by_client": world.clients["stranger"].pk,
        "tracking_code": "ABCDEFGHJK",
    }
    response = world.api("owner").post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(folio=response.json()["folio"])
    assert case.status in ("new", "assigned")
    assert case.assignee_id is None
    assert case.created_by_client == world.clients["owner"]
    assert case.tracking_code != "ABCDEFGHJK"


def test_only_administrators_may_register_a_case_received_long_ago(world):
    old = (timezone.now() - dt.timedelta(days=40)).isoformat()
    body = {
        "service": "QUEJA_CANALES_DIGITALES",
        "channel": "CESI",
        "office": "CESI_CDMX_BENITO_JUAREZ",
        "contact": CONTACT,
        "description": "Caso antiguo",
        "received_at": old,
    }
    before = Case.objects.count()
    for username in ("agent", "supervisor"):
        response = world.session(username).post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400, username
    assert world.api("owner").post("/api/v1/cases/", body, format="json").status_code == 400
    assert Case.objects.count() == before
    assert world.session("admin").post("/api/v1/cases/", body, format="json").status_code == 201


# --- The administration site ------------------------------------------------------------------


def _admin_urls() -> list[str]:
    """One address per pattern of the admin site, its parameters filled with sample values."""
    admin_resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "admin"
    )
    samples = {"object_id": "1", "content_type_id": 1, "app_label": "cases", "id": "1"}
    urls = []

    def walk(resolver: URLResolver) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern)
            elif isinstance(pattern, URLPattern) and pattern.name:
                regex = pattern.pattern.regex
                if regex.groupindex:
                    kwargs = {name: samples[name] for name in regex.groupindex}
                    urls.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
                else:  # positional groups (django-simple-history's pages)
                    urls.append(reverse(f"admin:{pattern.name}", args=["1"] * regex.groups))

    walk(admin_resolver)
    return [*sorted(set(urls)), "/admin/no-existe/"]


ADMIN_URLS = _admin_urls()


@pytest.mark.parametrize("username", ["agent", "quejas_staff", "supervisor"])
def test_no_admin_page_opens_for_staff_who_are_not_administrators(world, username):
    session = world.session(username)
    opened = {}
    for url in ADMIN_URLS:
        if url == reverse("admin:login"):
            continue
        response = session.get(url)
        location = response.get("Location", "")
        # The admin's logout sends a non-administrator back to the (closed) index.
        closed = location.startswith("/admin/login/") or location == "/admin/"
        if response.status_code != 302 or not closed:
            opened[url] = response.status_code
    assert opened == {}


def test_the_admin_index_opens_for_an_administrator(world):
    assert world.session("admin").get("/admin/").status_code == 200


def test_an_agent_cannot_create_a_user_through_the_admin(world):
    body = {"username": "intruso", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}
    response = world.session("agent").post("/admin/auth/user/add/", body)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not get_user_model().objects.filter(username="intruso").exists()


def test_an_agents_own_password_does_not_open_the_admin(world):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "asesor", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/admin/").status_code == 302
    user = User.objects.get(username="asesor")
    assert (user.is_staff, user.is_superuser) == (False, False)


# --- Supervisor and integration features ------------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "quejas_staff", "supervisor", "admin"])
def test_browser_users_cannot_manage_webhooks(world, username):
    session = world.session(username)
    assert session.get("/api/v1/webhooks/").status_code == 403
    body = {"url": "https://hooks.example.com/y", "events": ["case.created"]}
    assert session.post("/api/v1/webhooks/", body, format="json").status_code == 403


@pytest.mark.parametrize("username", ["agent", "quejas_staff"])
def test_front_office_roles_do_not_get_the_dashboard_or_the_targets(world, username):
    session = world.session(username)
    for page in ("/tablero/", "/tablero/tendencia/", "/tablero/metas/"):
        assert session.get(page).status_code == 403, page
    assert session.get("/tablero/casos/?metric=received").status_code == 403
    assert session.get("/api/v1/targets/").status_code == 403


def test_area_staff_do_not_register_cases(world):
    session = world.session("quejas_staff")
    assert session.get("/atencion/registro/").status_code == 403
    assert session.get("/atencion/registro/contactos/?contact_q=Ana").status_code == 403


def test_the_role_table_names_every_lifecycle_action():
    from cases.selectors.access import LIFECYCLE_ACTIONS, ROLE_ACTIONS
    from cases.services import TRANSITIONS

    assert set(LIFECYCLE_ACTIONS) == set(TRANSITIONS)
    assert all(actions <= LIFECYCLE_ACTIONS for actions in ROLE_ACTIONS.values())


INTAKE_BODY = {
    "service": "QUEJA_CANALES_DIGITALES",
    "channel": "CESI",
    "contact": CONTACT,
    "description": "Registro por la API",
}


def test_area_staff_do_not_register_cases_through_the_api_either(world):
    before = Case.objects.count()
    body = {**INTAKE_BODY, "office": "CESI_CDMX_BENITO_JUAREZ"}
    response = world.session("quejas_staff").post("/api/v1/cases/", body, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Case.objects.count() == before


@pytest.mark.parametrize("office", ["CESI_TIJUANA", None])
def test_an_agent_registers_only_at_their_own_office_through_the_api(world, office):
    before = Case.objects.count()
    body = {**INTAKE_BODY, "office": office} if office else {**INTAKE_BODY, "channel": "INFONATEL"}
    response = world.session("agent").post("/api/v1/cases/", body, format="json")
    assert response.status_code == 403, response.content
    assert Case.objects.count() == before


def test_agents_at_their_office_and_supervisors_anywhere_register_through_the_api(world):
    own = {**INTAKE_BODY, "office": "CESI_CDMX_BENITO_JUAREZ"}
    assert world.session("agent").post("/api/v1/cases/", own, format="json").status_code == 201
    elsewhere = {**INTAKE_BODY, "office": "CESI_TIJUANA"}
    response = world.session("supervisor").post("/api/v1/cases/", elsewhere, format="json")
    assert response.status_code == 201
