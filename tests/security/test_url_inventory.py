"""Every URL is classified, and every class answers strangers as SPEC §8–9 says.

A new URL pattern fails `test_every_url_pattern_is_classified` until it is added to
`inventory.ROUTES`; from then on the checks below (and the cross-scope, scope and CSRF checks
of the other modules) run over it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve
from rest_framework.test import APIClient

from accounts.api.permissions import required_scopes_for
from infonavit_atencion.core.api_scopes import Scope

from .inventory import (
    ADMIN_PREFIX,
    API,
    API_CASE,
    API_OWNED,
    CASE,
    LOGIN,
    OWNED,
    PUBLIC,
    ROUTES,
    call_for,
    resolved_routes,
    route_methods,
    routes_of,
    send,
)

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
API_KINDS = (API, API_CASE, API_OWNED)
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_every_url_pattern_is_classified():
    site = {route for route in resolved_routes() if not route.startswith(ADMIN_PREFIX)}
    assert sorted(site - set(ROUTES)) == [], (
        "classify these new URLs in tests/security/inventory.py"
    )
    assert sorted(set(ROUTES) - site) == [], "these classified URLs no longer exist"


def test_every_address_naming_a_case_is_scoped():
    """A pattern with a folio is a case page or API (404 outside scope), or the public look-up
    that needs the tracking code."""
    with_folio = {route for route in ROUTES if "<str:folio>" in route}
    scoped = set(routes_of(CASE, API_CASE))
    assert with_folio - scoped == {
        "api/v1/public/cases/<str:folio>/",
        "api/v1/public/cases/<str:folio>/comments/",
    }


PUBLIC_SAMPLES = {
    "healthz": "/healthz",
    "readyz": "/readyz",
    "accounts/login/": "/accounts/login/",
    "consulta/": "/consulta/",
    "presentar/": "/presentar/",
    "presentar/confirmar/<str:token>/": "/presentar/confirmar/token-inventado/",
    "encuesta/gracias/": "/encuesta/gracias/",
    "encuesta/<str:token>/": "/encuesta/token-inventado/",
    "api/schema/": "/api/schema/",
    "api/docs/": "/api/docs/",
}


@pytest.mark.parametrize("route", routes_of(PUBLIC))
def test_public_routes_answer_without_login_and_show_no_case(world, route, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = ""
    if route == "accounts/logout/":
        response = Client().post("/accounts/logout/")
        assert response.status_code == 302
        return
    if route == "api/v1/public/cases/<str:folio>/":
        wrong_code = Client().get(f"/api/v1/public/cases/{world.case.folio}/", {"code": "X"})
        wrong_folio = Client().get("/api/v1/public/cases/ATN-2026-99999999/", {"code": "X"})
        assert wrong_code.status_code == wrong_folio.status_code == 404
        assert wrong_code.json() == wrong_folio.json()  # neither can be probed alone
        return
    if route == "api/v1/public/cases/<str:folio>/comments/":
        before = world.footprint()
        reply = {"body": "Intento"}
        wrong_code = APIClient().post(
            f"/api/v1/public/cases/{world.case.folio}/comments/?code=X", reply
        )
        wrong_folio = APIClient().post(
            "/api/v1/public/cases/ATN-2026-99999999/comments/?code=X", reply
        )
        assert wrong_code.status_code == wrong_folio.status_code == 404
        assert wrong_code.json() == wrong_folio.json()
        assert world.footprint() == before
        return
    response = Client().get(PUBLIC_SAMPLES[route])
    assert response.status_code in (200, 404), response.status_code
    body = response.content.decode()
    assert world.case.folio not in body and "Descripción confidencial" not in body


@pytest.mark.parametrize("route", routes_of(*API_KINDS))
def test_the_inventory_lists_every_method_an_api_view_implements(world, route):
    """A method added to an API view (say DELETE on a case) must be classified too."""
    call = call_for(world, route, ROUTES[route].methods[0]) if ROUTES[route].methods else None
    assert call is not None
    view = resolve(call.path.split("?")[0]).func.view_class  # type: ignore[attr-defined]
    implemented = {
        name.upper()
        for name in view.http_method_names
        if name not in ("options", "head") and hasattr(view, name)
    }
    assert implemented == set(ROUTES[route].methods)


@pytest.mark.parametrize("route", routes_of(CASE))
def test_a_case_page_answers_405_to_every_method_it_does_not_list(world, route):
    session = world.session("agent")
    for method in sorted(set(ANY_METHOD) - set(ROUTES[route].methods)):
        path = call_for(world, route, ROUTES[route].methods[0]).path
        before = world.footprint()
        response = getattr(session, method.lower())(path)
        assert response.status_code == 405, (method, response.status_code)
        assert world.footprint() == before


@pytest.mark.parametrize(("route", "method"), route_methods(LOGIN, CASE, OWNED))
def test_staff_pages_send_anonymous_visitors_to_the_login_page(world, route, method):
    call = call_for(world, route, method)
    before = world.footprint()
    response = send(Client(), call)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert world.footprint() == before


@pytest.mark.parametrize(("route", "method"), route_methods(*API_KINDS))
def test_the_api_answers_401_without_credentials(world, route, method):
    call = call_for(world, route, method)
    response = send(APIClient(), call)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(("route", "method"), route_methods(*API_KINDS))
def test_the_api_answers_401_to_a_forged_token(world, route, method):
    api = APIClient()
    prefix = world.clients["owner"].key_prefix
    api.credentials(HTTP_AUTHORIZATION=f"Token {prefix}.forjada-{'x' * 40}")
    response = send(api, call_for(world, route, method))
    assert response.status_code == 401


@pytest.mark.parametrize(("route", "method"), route_methods(*API_KINDS))
def test_a_client_missing_the_scope_gets_403_and_changes_nothing(world, route, method):
    """A client holding every scope except those the operation needs (SPEC §8: 403)."""
    from accounts.services import api_client_create

    call = call_for(world, route, method)
    view = resolve(call.path.split("?")[0]).func.view_class  # type: ignore[attr-defined]
    required = set(required_scopes_for(view, method) or [])
    granted = sorted(set(Scope.values) - required) if required else []
    _client, key = api_client_create("sin_alcance", "CESI", granted)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    before = world.footprint()
    response = send(api, call)
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == PROBLEM
    assert world.footprint() == before


def test_a_deactivated_client_is_401(world):
    client = world.clients["owner"]
    client.active = False
    client.save(update_fields=["active"])
    assert world.api("owner").get(f"/api/v1/cases/{world.case.folio}/").status_code == 401
