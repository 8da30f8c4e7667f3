"""Celery tasks of the webhooks app: thin wrappers that take ids and call one function."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from infonavit_atencion.core.queueing import enqueue_now

from .delivery import webhook_delivery_attempt
from .selectors import webhook_deliveries_due

SWEEP_BATCH = 500
SWEEP_MAX_BATCHES = 20


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def deliver_webhook(delivery_id: int) -> str | None:
    """Send one delivery if it is pending and due; a duplicate message does nothing."""
    return webhook_delivery_attempt(delivery_id, timezone.now())


@shared_task(acks_late=True)
def deliver_due_webhooks() -> int:
    """Every 30 s: queue pending deliveries whose time has come — retries, and first sends
    whose publish on commit was lost. Returns how many were queued."""
    now = timezone.now()
    queued = 0
    after = None
    for _batch in range(SWEEP_MAX_BATCHES):
        due = webhook_deliveries_due(now, after=after, limit=SWEEP_BATCH)
        for delivery_id, _at in due:
            enqueue_now(deliver_webhook, delivery_id)
        queued += len(due)
        if len(due) < SWEEP_BATCH:
            break
        last_id, last_at = due[-1]
        after = (last_at, last_id)
    return queued
