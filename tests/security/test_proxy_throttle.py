"""Throttles and the login lockout count the real client address (SPEC §9).

Attack: rotate ``X-Forwarded-For`` on every request so that each one looks like a new client and
the per-address limit never bites. Control: one function (``core.client_address``) gives every
throttle and the lockout the socket's address, or with ``TRUSTED_PROXY_COUNT`` = N the Nth
address from the right of ``X-Forwarded-For`` (the one the outermost trusted proxy saw).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from cases.events import Actor
from cases.services import CaseInput, case_create
from contacts.services import ContactInput
from infonavit_atencion.core.client_address import client_address
from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 16, 0, tzinfo=dt.UTC)
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fresh_counters():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _folio(agent) -> str:  # type: ignore[no-untyped-def]
    data = CaseInput(
        service="QUEJA_CANALES_DIGITALES",
        channel="MICUENTA",
        contact=ContactInput(given_names="Ana", first_surname="Pérez", nss="92919084431"),
        description="Descripción",
        received_at=NOW,
    )
    return case_create(data, Actor(user=agent), NOW).case.folio


def _lookup(folio: str, forwarded: str, remote: str = "203.0.113.7") -> int:
    return (
        APIClient()
        .get(
            f"/api/v1/public/cases/{folio}/",
            {"code": "WRONG"},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        .status_code
    )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "198.51.100.9"),
        (0, "1.2.3.4", "198.51.100.9"),
        (1, "1.2.3.4, 5.6.7.8", "5.6.7.8"),
        (2, "1.2.3.4, 5.6.7.8, 9.9.9.9", "5.6.7.8"),
        (3, "5.6.7.8", "5.6.7.8"),  # fewer entries than proxies: the leftmost
        (1, "", "198.51.100.9"),
    ],
)
def test_the_client_address_is_the_socket_or_the_nth_forwarded_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "198.51.100.9"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_drf_counts_the_same_proxies():
    assert api_settings.NUM_PROXIES == 0


def test_rotating_x_forwarded_for_does_not_escape_the_public_lookup_throttle(agent, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "3/min"
    folio = _folio(agent)
    statuses = [_lookup(folio, f"192.0.2.{n}") for n in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(agent, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "3/min"
    folio = _folio(agent)
    # the client forges entries on the left; the proxy appends the address it really saw
    forged = [_lookup(folio, f"192.0.2.{n}, 198.51.100.1", remote=PROXY) for n in range(4)]
    other = _lookup(folio, "198.51.100.2", remote=PROXY)
    assert forged == [404, 404, 404, 429]
    assert other == 404


def test_the_status_page_counts_the_client_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "2/min"
    data = {"folio": "ATN-2026-1", "code": "X"}
    first = [
        client.post(
            "/consulta/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.1"
        ).status_code
        for n in range(3)
    ]
    other = client.post("/consulta/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert first == [404, 404, 429]
    assert other.status_code == 404


def test_the_status_page_ignores_x_forwarded_for_without_proxies(client, settings):
    settings.PUBLIC_LOOKUP_THROTTLE_RATE = "2/min"
    data = {"folio": "ATN-2026-1", "code": "X"}
    statuses = [
        client.post("/consulta/", data, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [404, 404, 429]


def _login(username: str, password: str, remote: str, forwarded: str | None = None) -> int:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = Client().post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )
    return response.status_code


def test_rotating_x_forwarded_for_does_not_escape_the_login_lockout(agent, settings):
    settings.AXES_FAILURE_LIMIT = 3
    statuses = [_login("asesor", "equivocada-123", "203.0.113.7", f"192.0.2.{n}") for n in range(3)]
    assert statuses == [200, 200, 429]
    assert _login("asesor", TEST_PASSWORD, "203.0.113.7", "192.0.2.200") == 429


def test_behind_a_trusted_proxy_the_lockout_is_per_client(agent, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    statuses = [
        _login("asesor", "equivocada-123", PROXY, f"192.0.2.{n}, 198.51.100.1") for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # the attacker's address stays locked; a colleague behind the same proxy still logs in
    assert _login("asesor", TEST_PASSWORD, PROXY, "198.51.100.1") == 429
    assert _login("asesor", TEST_PASSWORD, PROXY, "198.51.100.2") == 302
