"""The sweeper queues pending deliveries whose time has come, once each, in batches."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from webhooks import tasks
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

from .support import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_now", lambda task, delivery_id: calls.append(delivery_id))
    return calls


@pytest.fixture
def subscription(caller_for):  # type: ignore[no-untyped-def]
    client = caller_for("SISTEMA_A").client
    return WebhookSubscription.objects.create(
        client=client,
        url="https://hooks.example.com/",
        events=["case.created"],
        secret="s" * 32,
        created_at=T0,
    )


def delivery(subscription, status, next_attempt_at):  # type: ignore[no-untyped-def]
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_id=uuid.uuid4(),
        event_type="case.created",
        payload={},
        status=status,
        next_attempt_at=next_attempt_at,
        created_at=T0,
        delivered_at=T0 if status == DeliveryStatus.DELIVERED else None,
    )


def test_the_sweeper_queues_only_due_pending_deliveries(subscription, queued):
    now = timezone.now()
    due = [
        delivery(subscription, DeliveryStatus.PENDING, now - dt.timedelta(minutes=5)),
        delivery(subscription, DeliveryStatus.PENDING, now - dt.timedelta(seconds=1)),
    ]
    delivery(subscription, DeliveryStatus.PENDING, now + dt.timedelta(minutes=5))  # retry later
    delivery(subscription, DeliveryStatus.DELIVERED, now - dt.timedelta(minutes=5))
    delivery(subscription, DeliveryStatus.FAILED, now - dt.timedelta(minutes=5))

    assert tasks.deliver_due_webhooks() == 2

    assert queued == [d.pk for d in due]  # oldest due first


def test_the_sweeper_walks_a_backlog_in_batches_without_repeats(subscription, queued, monkeypatch):
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    now = timezone.now()
    same_instant = now - dt.timedelta(minutes=1)
    backlog = [delivery(subscription, DeliveryStatus.PENDING, same_instant) for _ in range(3)]
    backlog += [
        delivery(subscription, DeliveryStatus.PENDING, now - dt.timedelta(seconds=n))
        for n in (30, 20)
    ]

    assert tasks.deliver_due_webhooks() == 5

    assert queued == [d.pk for d in backlog]


def test_the_sweeper_sends_through_the_task(subscription, monkeypatch):
    """In-process (eager) the queued task runs at once; here it is only observed."""
    sent: list[int] = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, **kwargs: sent.append(args[0])
    )
    pending = delivery(subscription, DeliveryStatus.PENDING, timezone.now() - dt.timedelta(1))

    assert tasks.deliver_due_webhooks() == 1

    assert sent == [pending.pk]
