"""Reads of the webhooks app. A client sees only its own subscriptions (another's is 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import ApiClient
from infonavit_atencion.core.errors import NotFound

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

DELIVERY_LOG_DEFAULT = 50
DELIVERY_LOG_MAX = 100


def webhook_subscriptions_of(client: ApiClient) -> QuerySet[WebhookSubscription]:
    """The client's active subscriptions, oldest first."""
    return WebhookSubscription.objects.filter(client=client, active=True).order_by(
        "created_at", "id"
    )


def webhook_subscription_get(client: ApiClient, subscription_id: int) -> WebhookSubscription:
    subscription = webhook_subscriptions_of(client).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound(_("No existe la suscripción %(id)s.") % {"id": subscription_id})
    return subscription


def webhook_deliveries_of(
    subscription: WebhookSubscription, limit: int = DELIVERY_LOG_DEFAULT
) -> list[WebhookDelivery]:
    """The subscription's most recent deliveries with their attempts (three queries)."""
    return list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("case")
        .only(
            "id",
            "subscription_id",
            "event_id",
            "event_type",
            "case__folio",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        )
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-id")[: min(max(limit, 1), DELIVERY_LOG_MAX)]
    )


def webhook_deliveries_due(
    now: dt.datetime, *, after: tuple[dt.datetime, int] | None = None, limit: int = 500
) -> list[tuple[int, dt.datetime]]:
    """Pending deliveries due at `now`, by due instant: ``(id, next_attempt_at)`` pairs.

    ``after`` is the last pair of the previous batch (keyset), so a sweep walks the backlog
    once even while the rows it queued are still waiting for a worker.
    """
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if after is not None:
        at, last_id = after
        due = due.filter(next_attempt_at__gte=at).exclude(next_attempt_at=at, pk__lte=last_id)
    return [
        (pk, at)
        for pk, at in due.order_by("next_attempt_at", "id").values_list("pk", "next_attempt_at")[
            :limit
        ]
    ]
