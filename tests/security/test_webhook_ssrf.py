"""Webhook SSRF: subscriptions to private, loopback, link-local or otherwise internal targets are
refused (SPEC §8), and the address is checked again when each delivery is sent (DNS rebinding).

The literal and numeric forms below are resolved by the real resolver (no network: the C
library turns "2130706433" or "0x7f000001" into 127.0.0.1, and "localhost" comes from
/etc/hosts); names that must resolve to a given address use a fake DNS.
"""

from __future__ import annotations

import socket

import pytest

from webhooks import destinations
from webhooks.delivery import webhook_delivery_attempt
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import webhook_event_record

from .support import PUBLIC_ADDRESS, World

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"

INTERNAL = [
    "http://127.0.0.1/hook",
    "http://127.0.0.1:6379/",
    "http://10.0.0.5/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://localhost/hook",
    "http://localhost./hook",
    "http://LOCALHOST:8000/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://017700000001/hook",
    "http://127.1/hook",
    "http://0177.0.0.1/hook",
]
NOT_HTTP = [
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "ftp://hooks.example.com/",
    "dict://127.0.0.1:11211/",
    "http://usuario:clave@hooks.example.com/",
    "http:///hook",
    "javascript:alert(1)",
]


def _subscribe(world: World, url: str):  # type: ignore[no-untyped-def]
    return world.api("owner").post(
        "/api/v1/webhooks/", {"url": url, "events": ["case.created"]}, format="json"
    )


def _subscriptions() -> int:
    return WebhookSubscription.objects.count()


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_targets_are_refused_at_subscription(world, url, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    before = _subscriptions()
    response = _subscribe(world, url)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    codes = [e["code"] for e in response.json()["errors"]]
    assert codes in (["forbidden_address"], ["unresolvable"]), codes
    assert _subscriptions() == before


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "http://2130706433/hook", "http://localhost/hook"]
)
def test_loopback_forms_are_refused_as_forbidden_not_merely_unresolved(world, url, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    codes = [e["code"] for e in _subscribe(world, url).json()["errors"]]
    assert codes == ["forbidden_address"]


@pytest.mark.parametrize("url", NOT_HTTP)
def test_other_schemes_and_credentials_are_refused(world, url):
    before = _subscriptions()
    assert _subscribe(world, url).status_code == 400
    assert _subscriptions() == before


def test_a_name_resolving_to_any_private_address_is_refused(world, monkeypatch):
    answers = {
        "mixed.example.com": [PUBLIC_ADDRESS, "10.1.2.3"],
        "intranet.example.com": ["10.9.9.9"],
    }
    monkeypatch.setattr(destinations, "resolve_host", lambda host, port: answers[host])
    for host in answers:
        response = _subscribe(world, f"https://{host}/hook")
        assert [e["code"] for e in response.json()["errors"]] == ["forbidden_address"], host


def test_a_public_name_is_accepted(world, monkeypatch):
    monkeypatch.setattr(destinations, "resolve_host", lambda host, port: [PUBLIC_ADDRESS])
    response = _subscribe(world, "https://hooks.example.com/otro")
    assert response.status_code == 201, response.content


def test_a_host_that_turns_private_after_subscribing_is_never_contacted(
    world, monkeypatch, settings
):
    """DNS rebinding: checked again at delivery, and the connection goes to the checked address."""
    settings.WEBHOOK_ALLOWED_HOSTS = []
    answers = {"rebind.example.com": [PUBLIC_ADDRESS]}
    monkeypatch.setattr(destinations, "resolve_host", lambda host, port: answers[host])
    assert _subscribe(world, "https://rebind.example.com/hook").status_code == 201
    (delivery,) = webhook_event_record(world.fresh(), "case.created", world.case.created_at)
    answers["rebind.example.com"] = ["169.254.169.254"]
    connections = []

    def no_connection(*args, **kwargs):  # type: ignore[no-untyped-def]
        connections.append(args)
        raise AssertionError("no connection may be opened")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    status = webhook_delivery_attempt(delivery.pk, world.case.created_at)

    assert status == DeliveryStatus.PENDING
    assert connections == []
    delivery = WebhookDelivery.objects.get(pk=delivery.pk)
    assert "169.254.169.254" in delivery.last_error


def test_the_allow_list_admits_only_the_host_it_names(world, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert _subscribe(world, "http://127.0.0.1:9000/hook").status_code == 201
    refused = _subscribe(world, "http://localhost:9000/hook")
    assert [e["code"] for e in refused.json()["errors"]] == ["forbidden_address"]
