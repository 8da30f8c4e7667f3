"""A change to an API client takes effect on its very next request (issue 17: the client row is
read on every request, in the same query as the catalog fingerprint, never cached)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiClient
from accounts.services import api_client_create
from infonavit_atencion.core.api_scopes import Scope

pytestmark = pytest.mark.django_db

CHANNELS_URL = "/api/v1/channels/"


@pytest.fixture
def served() -> tuple[ApiClient, APIClient]:
    client, key = api_client_create("Sistema vigente", "MICUENTA", [Scope.CATALOG_READ])
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(CHANNELS_URL).status_code == 200  # a warm process has seen the client
    return client, api


def test_a_deactivated_client_is_refused_on_its_next_request(served):
    client, api = served
    client.active = False
    client.save()
    assert api.get(CHANNELS_URL).status_code == 401


def test_a_client_deactivated_without_save_is_refused_too(served):
    client, api = served
    ApiClient.objects.filter(pk=client.pk).update(active=False)
    assert api.get(CHANNELS_URL).status_code == 401


def test_a_withdrawn_scope_is_refused_on_the_next_request(served):
    client, api = served
    client.scopes = [Scope.CASES_READ]
    client.save()
    assert api.get(CHANNELS_URL).status_code == 403


def test_a_replaced_key_stops_working_on_the_next_request(served):
    client, api = served
    client.key_digest = "0" * 64
    client.save()
    assert api.get(CHANNELS_URL).status_code == 401
