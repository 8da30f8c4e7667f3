"""CSRF on every state-changing request of a browser session, session fixation, sessions that
die with the password, and open redirects after login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from rest_framework.test import APIClient

from tests.support.accounts import TEST_PASSWORD

from .inventory import API, API_CASE, CASE, LOGIN, OWNED, call_for, route_methods, send
from .support import World

pytestmark = pytest.mark.django_db
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
SESSION_WRITES = [
    (route, method)
    for route, method in route_methods(LOGIN, CASE, OWNED, API, API_CASE)
    if method in UNSAFE
]


def _csrf_session(world: World, username: str) -> APIClient:
    return world.session(username, csrf=True)


@pytest.mark.parametrize(("route", "method"), SESSION_WRITES)
def test_every_session_write_without_a_csrf_token_is_403(world, route, method):
    before = world.footprint()
    for username in ("agent", "supervisor"):
        response = send(_csrf_session(world, username), call_for(world, route, method))
        assert response.status_code == 403, (username, response.status_code)
    assert world.footprint() == before


def test_the_same_write_with_the_token_goes_through(world):
    session = _csrf_session(world, "agent")
    session.get(f"/casos/{world.case.folio}/")
    token = session.cookies[settings.CSRF_COOKIE_NAME].value
    response = session.post(
        f"/casos/{world.case.folio}/comentarios/",
        {"body": "Con token", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    api = session.post(
        f"/api/v1/cases/{world.case.folio}/comments/",
        {"body": "Con token por la API"},
        format="json",
        headers={"X-CSRFToken": token},
    )
    assert api.status_code == 201


def test_a_token_client_needs_no_csrf_token_since_it_sends_no_cookies(world):
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {world.keys['owner']}")
    response = api.post(
        f"/api/v1/cases/{world.case.folio}/comments/", {"body": "Sistema"}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/login/", {"username": "asesor", "password": TEST_PASSWORD}),
        ("/accounts/logout/", {}),
        ("/consulta/", {"folio": "ATN-2026-00000001", "code": "ABCDEFGHJK"}),
        (
            "/presentar/",
            {"servicio": "QUEJA_CANALES_DIGITALES", "description": "Sin token", "email": "a@b.mx"},
        ),
        ("/presentar/confirmar/un-token/", {}),
        ("/encuesta/un-token/", {"csat": "5", "nps": "10"}),
        ("/admin/login/", {"username": "administrador", "password": TEST_PASSWORD}),
    ],
)
def test_public_forms_refuse_a_post_without_a_csrf_token(world, path, data):
    response = Client(enforce_csrf_checks=True).post(path, data)
    assert response.status_code == 403


def test_an_admin_write_without_a_csrf_token_is_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    body = {"username": "nuevo", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}
    assert client.post("/admin/auth/user/add/", body).status_code == 403


# --- Sessions --------------------------------------------------------------------------------


def _login(client: Client, username: str = "asesor", next_url: str | None = None):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": TEST_PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data, REMOTE_ADDR="10.9.8.7")


def test_logging_in_replaces_a_session_key_planted_beforehand(world):
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    assert _login(client).status_code == 302

    current = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert current != planted.session_key
    assert not SessionStore().exists(planted.session_key)
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert victim.get("/casos/").status_code == 302  # the planted key grants nothing


def test_logging_out_kills_the_session_on_the_server(world):
    client = Client()
    _login(client)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert replay.get("/casos/").status_code == 302


def test_changing_the_password_ends_the_users_other_sessions(world):
    elsewhere, here = Client(), Client()
    _login(elsewhere)
    _login(here)
    new_password = f"{TEST_PASSWORD}-nueva"
    response = here.post(
        "/cuenta/contrasena/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    assert here.get("/casos/").status_code == 200
    assert elsewhere.get("/casos/").status_code == 302


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(world):
    client = Client()
    _login(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- Open redirects ----------------------------------------------------------------------------

FOREIGN = [
    "https://evil.example/",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "https:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " https://evil.example/",
    "https://evil.example%2f@testserver/",
]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.scheme in ("", "http")
        and parts.netloc in ("", "testserver")
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
    )


@pytest.mark.parametrize("target", FOREIGN)
def test_login_never_sends_the_user_to_another_site(world, target):
    response = _login(Client(), next_url=target)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    get_form = Client().get("/accounts/login/", {"next": target})
    assert get_form.status_code == 200


def test_login_does_follow_a_local_next(world):
    assert _login(Client(), next_url="/casos/?cola=office")["Location"] == "/casos/?cola=office"


@pytest.mark.parametrize("target", FOREIGN)
def test_logout_never_sends_the_user_to_another_site(world, target):
    client = Client()
    _login(client)
    response = client.post("/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", FOREIGN)
def test_the_admin_login_never_sends_the_user_to_another_site(world, target):
    response = Client().post(
        "/admin/login/",
        {"username": "administrador", "password": TEST_PASSWORD, "next": target},
        REMOTE_ADDR="10.9.8.6",
    )
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", FOREIGN)
def test_the_bulk_page_never_sends_the_user_to_another_site(world, target):
    body = {"action": "assign", "assignee": "quejas", "folios": [world.case.folio], "next": target}
    response = world.session("supervisor").post("/casos/masivo/", body)
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]
