"""The admin screens open, show no secret, and their actions go through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from webhooks import tasks
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import webhook_event_record, webhook_subscribe

from .support import T0, make_case

pytestmark = pytest.mark.django_db

SECRET = "secreto-que-no-debe-verse-2026"


@pytest.fixture
def browser(db):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_superuser("raiz", "raiz@example.com", "x" * 12)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def delivery(caller_for, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", lambda *a, **k: None)
    client = caller_for("SISTEMA_A").client
    webhook_subscribe(client, "https://hooks.example.com/", ["case.created"], SECRET, now=T0)
    (row,) = webhook_event_record(make_case(client), "case.created", T0)
    return row


def test_the_admin_pages_open_and_never_show_the_secret(browser, delivery):
    subscription = delivery.subscription
    pages = [
        reverse("admin:webhooks_webhooksubscription_changelist"),
        reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]),
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
    ]
    for page in pages:
        response = browser.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode()


def test_the_admin_deactivates_subscriptions_and_retries_failed_deliveries(browser, delivery):
    subscriptions = reverse("admin:webhooks_webhooksubscription_changelist")
    deliveries = reverse("admin:webhooks_webhookdelivery_changelist")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)

    browser.post(deliveries, {"action": "retry", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING

    browser.post(
        subscriptions, {"action": "deactivate", "_selected_action": [delivery.subscription_id]}
    )
    subscription = WebhookSubscription.objects.get(pk=delivery.subscription_id)
    assert (subscription.active, subscription.secret) == (False, "")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
