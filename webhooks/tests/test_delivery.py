"""Sending deliveries to a real HTTP server on 127.0.0.1: signature, retries, redirects, limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket

import pytest

from webhooks.delivery import (
    MAX_ATTEMPTS,
    body_bytes,
    retry_delay,
    signature,
    webhook_delivery_attempt,
)
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from webhooks.services import webhook_event_record, webhook_subscribe, webhook_unsubscribe

from .support import T0, make_case

pytestmark = pytest.mark.django_db

SECRET = "secreto-compartido-de-prueba-2026"


@pytest.fixture
def delivery_to(caller_for):  # type: ignore[no-untyped-def]
    """`delivery_to(url)` → a pending delivery of case.created for a new case, not yet sent."""

    def make(url: str, events: tuple[str, ...] = ("case.created",)) -> WebhookDelivery:
        client = caller_for(f"SISTEMA_{WebhookDelivery.objects.count()}").client
        webhook_subscribe(client, url, list(events), SECRET, now=T0)
        case = make_case(client)
        (delivery,) = webhook_event_record(case, "case.created", T0)
        return delivery

    return make


def test_a_delivery_posts_the_signed_body_once(receiver, delivery_to):
    # Given a pending delivery to the local receiver (allow-listed)
    delivery = delivery_to(receiver.url)

    # When it is attempted
    status = webhook_delivery_attempt(delivery.pk, T0)

    # Then the receiver got one POST whose raw body verifies against the signature
    assert status == DeliveryStatus.DELIVERED
    (request,) = receiver.requests
    assert request.path == "/hooks/atencion"
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Atencion-Signature"] == f"sha256={expected}"
    assert request.headers["X-Atencion-Event"] == "case.created"
    assert request.headers["X-Atencion-Delivery"] == str(delivery.event_id)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "AtencionInfonavit-Webhooks/1"
    body = request.json()
    assert list(body) == ["id", "type", "created_at", "data"]
    assert body["id"] == str(delivery.event_id)
    assert body["type"] == "case.created"
    assert body["data"]["folio"] == delivery.case.folio
    assert body["data"]["contact"]["nss"] == "*******4431"
    assert b" " not in request.body.split(b'"data"')[0]  # compact separators
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None and delivery.delivered_at >= T0
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.at, attempt.status_code, attempt.error) == (1, T0, 200, "")


def test_a_server_error_is_retried_after_the_backoff_then_delivered(receiver, delivery_to):
    # Given a receiver that fails once, then succeeds
    receiver.answer(500, 200)
    delivery = delivery_to(receiver.url)

    # When the first attempt fails
    assert webhook_delivery_attempt(delivery.pk, T0) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=30)
    assert "500" in delivery.last_error

    # Then it is not sent again before its time
    assert webhook_delivery_attempt(delivery.pk, T0 + dt.timedelta(seconds=29)) is None
    assert len(receiver.requests) == 1

    # And at its time it is sent again, with the very same bytes
    later = T0 + dt.timedelta(seconds=30)
    assert webhook_delivery_attempt(delivery.pk, later) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert delivery.last_error == ""
    assert receiver.requests[0].body == receiver.requests[1].body
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.at, a.status_code) for a in log] == [(1, T0, 500), (2, later, 200)]

    # And a duplicate task afterwards does nothing
    assert webhook_delivery_attempt(delivery.pk, later + dt.timedelta(hours=1)) is None
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, delivery_to):
    receiver.answer(302)
    delivery = delivery_to(receiver.url)

    assert webhook_delivery_attempt(delivery.pk, T0) == DeliveryStatus.PENDING

    assert [r.path for r in receiver.requests] == ["/hooks/atencion"]  # never /elsewhere
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 302)
    assert "Redirección no seguida" in delivery.last_error
    assert "/elsewhere" in delivery.last_error


def test_after_the_last_attempt_the_delivery_fails(receiver, delivery_to):
    receiver.answer(503)
    delivery = delivery_to(receiver.url)
    now = T0

    for attempt in range(1, MAX_ATTEMPTS + 1):
        status = webhook_delivery_attempt(delivery.pk, now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert status == DeliveryStatus.PENDING
            assert delivery.next_attempt_at == now + retry_delay(attempt)
        now = delivery.next_attempt_at

    assert status == DeliveryStatus.FAILED
    assert delivery.status == DeliveryStatus.FAILED
    assert webhook_delivery_attempt(delivery.pk, now + dt.timedelta(days=1)) is None
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == MAX_ATTEMPTS


def test_the_backoff_doubles_from_30_seconds_up_to_6_hours():
    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert retry_delay(10) == dt.timedelta(seconds=30 * 2**9)
    assert retry_delay(11) == dt.timedelta(hours=6)
    assert retry_delay(50) == dt.timedelta(hours=6)


def test_a_host_that_now_resolves_to_a_private_address_is_not_contacted(
    receiver, delivery_to, fake_dns, settings
):
    # Given a subscription to a public name that later points at 127.0.0.1 (DNS rebinding)
    settings.WEBHOOK_ALLOWED_HOSTS = []
    delivery = delivery_to(f"http://rebind.example.com:{receiver.port}/hooks/atencion")
    fake_dns["rebind.example.com"] = ["127.0.0.1"]

    # When it is attempted
    assert webhook_delivery_attempt(delivery.pk, T0) == DeliveryStatus.PENDING

    # Then nothing was sent and the refusal is logged
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "127.0.0.1" in delivery.last_error
    assert "privada" in delivery.last_error


def test_a_host_dropped_from_the_allow_list_is_not_contacted(receiver, delivery_to, settings):
    delivery = delivery_to(receiver.url)
    settings.WEBHOOK_ALLOWED_HOSTS = []

    webhook_delivery_attempt(delivery.pk, T0)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "WEBHOOK_ALLOWED_HOSTS" in delivery.last_error


def test_a_connection_error_is_logged_and_retried(settings, delivery_to):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = delivery_to(f"http://127.0.0.1:{port}/x")

    assert webhook_delivery_attempt(delivery.pk, T0) == DeliveryStatus.PENDING

    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("Error de conexión")
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None


def test_a_delivery_of_a_deleted_subscription_is_never_sent(receiver, delivery_to):
    delivery = delivery_to(receiver.url)
    subscription = delivery.subscription

    webhook_unsubscribe(subscription.client, subscription.pk, now=T0)

    assert webhook_delivery_attempt(delivery.pk, T0) is None
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_recording_an_event_sends_it_after_commit_through_the_task(
    receiver, caller_for, django_capture_on_commit_callbacks
):
    # Given a subscriber; tasks run in-process in tests
    client = caller_for("SISTEMA_A").client
    webhook_subscribe(client, receiver.url, ["case.routed"], SECRET, now=T0)
    case = make_case(client)

    # When the event is recorded and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhook_event_record(case, "case.routed", T0)
        assert receiver.requests == []

    # Then the task has delivered it
    (request,) = receiver.requests
    assert request.headers["X-Atencion-Event"] == "case.routed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_the_body_is_compact_utf8_json_and_the_signature_is_its_hmac():
    payload = {"data": {"subject": "Constancia de crédito"}, "type": "case.created", "id": "x"}

    body = body_bytes(payload)

    assert (
        body
        == '{"id":"x","type":"case.created","data":{"subject":"Constancia de crédito"}}'.encode()
    )
    assert json.loads(body) == payload
    assert signature("k", body) == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
