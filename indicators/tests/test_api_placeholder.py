"""Until the indicator engine exists, its endpoints say so (501 problem), never fake numbers."""

import pytest
from rest_framework.test import APIClient

from accounts.services import api_client_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/indicators/?from=2026-01-01&to=2026-01-31", "/api/v1/targets/"])
def test_indicator_endpoints_answer_501_with_a_problem(path):
    _client, key = api_client_create("tablero", "MICUENTA", ["indicators:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(path)

    assert response.status_code == 501
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 501
    assert "disponible" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/indicators/", "/api/v1/targets/"])
def test_indicator_endpoints_need_the_scope(path):
    _client, key = api_client_create("portal", "MICUENTA", ["cases:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(path).status_code == 403
    assert APIClient().get(path).status_code == 401
