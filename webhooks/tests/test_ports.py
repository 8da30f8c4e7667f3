"""Webhooks hears of case events through the cases app's port (cases.ports), with its kinds."""

from __future__ import annotations

import pytest

from cases import ports
from webhooks import tasks
from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

from .support import T0, make_case

pytestmark = pytest.mark.django_db


def test_the_webhook_events_are_the_case_event_kinds():
    assert WebhookEvent.values == list(ports.CASE_EVENT_KINDS)


def test_a_case_event_published_through_the_port_writes_the_outbox(caller_for, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(
        tasks.deliver_webhook, "apply_async", lambda args, **kw: queued.append(args[0])
    )
    client = caller_for("CREADOR").client
    subscription = WebhookSubscription.objects.create(
        client=client,
        url="https://hooks.example.com/",
        events=["case.created", "case.sla_breached"],
        secret="s" * 32,
        created_at=T0,
    )
    case = make_case(client)

    ports.case_events_publish([case.pk], [ports.CASE_SLA_BREACHED], T0)

    (delivery,) = WebhookDelivery.objects.filter(case=case, event_type="case.sla_breached")
    assert delivery.subscription_id == subscription.pk
    assert delivery.payload["type"] == "case.sla_breached"


def test_an_unknown_case_event_is_a_programming_error(caller_for):
    case = make_case(caller_for("CREADOR").client)

    with pytest.raises(ValueError):
        ports.case_event_publish(case, "case.deleted", T0)
    assert not WebhookDelivery.objects.exists()
