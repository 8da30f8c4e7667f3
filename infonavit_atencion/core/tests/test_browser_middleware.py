"""Token API calls skip the browser-only middleware; everything else keeps it (issue 17)."""

import pytest
from rest_framework.test import APIClient

from infonavit_atencion.core.api_scopes import Scope
from tests.support.cases import client_for, payload, session_for

pytestmark = pytest.mark.django_db


def test_a_token_call_gets_no_session_or_messages_and_keeps_the_security_headers():
    api, _ = client_for("Portal", [Scope.CASES_WRITE, Scope.CASES_READ])
    created = api.post("/api/v1/cases/", payload(), format="json")
    assert created.status_code == 201, created.content
    request = created.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "_messages")
    assert created.cookies == {}
    # DRF put the token's principal on the Django request (AnonymousUser for an API client).
    assert not request.user.is_authenticated
    assert created["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in created["Content-Security-Policy"]
    assert created["Content-Language"] == "es-mx"


def test_a_bad_token_is_401_even_with_a_valid_session(agent):
    # The token decides alone, as before: no fallback to the browser session.
    api = session_for(agent)
    api.credentials(HTTP_AUTHORIZATION="Token nadie.nada")
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_api_from_a_browser_session_still_runs_sessions_and_checks_csrf(agent):
    api = session_for(agent, csrf=True)
    listed = api.get("/api/v1/cases/")
    assert listed.status_code == 200
    assert listed.wsgi_request.session.get("_auth_user_id") == str(agent.pk)
    refused = api.post("/api/v1/cases/", payload(), format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.content.decode()


def test_pages_still_run_sessions_and_csrf(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert hasattr(page.wsgi_request, "session")
    assert "csrftoken" in page.cookies


def test_a_token_header_outside_the_api_does_not_skip_anything(client):
    page = client.get("/accounts/login/", HTTP_AUTHORIZATION="Token algo.algo")
    assert hasattr(page.wsgi_request, "session")
    assert "csrftoken" in page.cookies


def test_an_anonymous_api_call_is_still_refused():
    assert APIClient().get("/api/v1/cases/").status_code == 401
