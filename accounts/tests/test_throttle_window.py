"""The fixed-window request counter behind the per-client and per-address throttles (issue 17).

Run with REDIS_URL set, the default cache is Redis and the one-round-trip pipeline is what runs;
without it, the per-process memory cache.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.services import api_client_create
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.throttling import WindowCounterThrottle, parse_rate

pytestmark = pytest.mark.django_db

CHANNELS_URL = "/api/v1/channels/"


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = {"t": 1_800_000_000.0}  # a multiple of 60: a window starts here
    monkeypatch.setattr(WindowCounterThrottle, "timer", staticmethod(lambda: now["t"]))
    cache.clear()
    yield now
    cache.clear()


def test_rates_parse_as_drf_writes_them():
    assert parse_rate("6000/min") == (6000, 60)
    assert parse_rate("20/m") == (20, 60)
    assert parse_rate("5/second") == (5, 1)
    assert parse_rate("100/hour") == (100, 3600)
    assert parse_rate("1000/day") == (1000, 86400)


@override_settings(API_CLIENT_THROTTLE_RATE="2/min")
def test_at_most_n_per_window_and_retry_after_is_the_time_left(clock):
    _, key = api_client_create("Sistema medido", "MICUENTA", [Scope.CATALOG_READ])
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    # Two requests 5 s into the window pass; the third, 50 s in, is refused until the window ends
    clock["t"] += 5
    first = [api.get(CHANNELS_URL).status_code for _ in range(2)]
    clock["t"] += 45
    refused = api.get(CHANNELS_URL)
    assert first == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"

    # Still refused one second before the window ends; served at its end, twice, then refused
    clock["t"] += 9
    assert api.get(CHANNELS_URL).status_code == 429
    clock["t"] += 1
    assert [api.get(CHANNELS_URL).status_code for _ in range(3)] == [200, 200, 429]


@override_settings(PUBLIC_LOOKUP_THROTTLE_RATE="2/min")
def test_the_public_look_up_counts_per_address_in_the_same_windows(clock):
    api = APIClient()
    url = "/api/v1/public/cases/NOEXISTE/?code=x"

    here = [api.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    elsewhere = api.get(url, REMOTE_ADDR="198.51.100.4").status_code
    clock["t"] += 60
    later = api.get(url, REMOTE_ADDR="203.0.113.9").status_code

    assert here == [404, 404, 429]
    assert elsewhere == 404
    assert later == 404


@override_settings(PUBLIC_LOOKUP_THROTTLE_RATE="2/min")
def test_the_status_page_counts_in_the_same_windows_in_its_own_bucket(clock, client):
    data = {"folio": "ATN-2026-1", "code": "X"}
    api_url = "/api/v1/public/cases/NOEXISTE/?code=x"

    clock["t"] += 5
    pages = [client.post("/consulta/", data).status_code for _ in range(2)]
    refused = client.post("/consulta/", data)
    api = APIClient().get(api_url).status_code
    clock["t"] += 55
    later = client.post("/consulta/", data).status_code

    assert pages == [404, 404]
    assert refused.status_code == 429 and refused["Retry-After"] == "55"
    assert api == 404  # the API's look-up keeps its own count
    assert later == 404
