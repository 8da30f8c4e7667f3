"""Writes of the webhooks app: subscribe, unsubscribe, and record events in the outbox.

Case services publish their events through the cases app's port (``cases.ports``), which this
app fills with :func:`webhook_events_record` (``webhooks.apps``): it runs INSIDE the transaction
that changes the cases, after the case rows are saved. The deliveries are written in that transaction — if it rolls back there is no
event, if it commits the event cannot be lost — and each is queued for sending on commit. A
publish that fails is picked up by the sweeper (:func:`webhooks.tasks.deliver_due_webhooks`).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiClient
from cases.events import Actor
from cases.models import Case
from cases.representation import case_documents
from cases.selectors.access import cases_visible_to
from cases.selectors.relations import case_output_queryset
from infonavit_atencion.core.api_scopes import Scope
from infonavit_atencion.core.errors import Conflict, NotFound, ValidationFailed
from infonavit_atencion.core.queueing import enqueue_on_commit
from infonavit_atencion.core.request_stamps import stamp_take

from .destinations import (
    DestinationRefused,
    allowed_hosts_setting,
    destination_addresses,
    destination_parse,
)
from .models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from .subscription_stamp import ANY_ACTIVE_SQL, NONE, STAMP
from .tasks import deliver_webhook

SECRET_MIN_LENGTH = 16
SECRET_MAX_LENGTH = 200
GENERATED_SECRET_BYTES = 32


# --- Subscriptions ------------------------------------------------------------------------------


def _clean_events(events: Any) -> list[str]:
    if not isinstance(events, list | tuple) or not all(isinstance(e, str) for e in events):
        raise ValidationFailed.single(
            "events", "invalid", _("Indique los eventos como una lista de nombres.")
        )
    cleaned: list[str] = []
    for name in events:
        name = name.strip()
        if name not in WebhookEvent.values:
            raise ValidationFailed.single(
                "events",
                "invalid_choice",
                _("Evento desconocido «%(name)s»; se admiten: %(choices)s.")
                % {"name": name, "choices": ", ".join(WebhookEvent.values)},
            )
        if name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise ValidationFailed.single("events", "empty", _("Indique al menos un evento."))
    return cleaned


def _clean_secret(secret: str | None) -> str:
    if secret is None or secret == "":
        return secrets.token_urlsafe(GENERATED_SECRET_BYTES)
    if not SECRET_MIN_LENGTH <= len(secret) <= SECRET_MAX_LENGTH:
        raise ValidationFailed.single(
            "secret",
            "length",
            _("El secreto debe tener entre %(min)d y %(max)d caracteres.")
            % {"min": SECRET_MIN_LENGTH, "max": SECRET_MAX_LENGTH},
        )
    return secret


def webhook_subscribe(
    client: ApiClient,
    url: str,
    events: Any,
    secret: str | None = None,
    *,
    now: dt.datetime,
    allowed_hosts: Collection[str] | None = None,
) -> tuple[WebhookSubscription, str]:
    """Subscribe `client` to `events` at `url`. Returns the subscription and its secret.

    The secret (given, or generated with 256 bits of entropy) is returned only here. The URL
    must be http(s), name a host, carry no credentials, and — unless its host is in
    ``allowed_hosts`` (by default the ``WEBHOOK_ALLOWED_HOSTS`` setting) — resolve only to
    public addresses. One active subscription per client and URL (409 for a second one).
    """
    hosts = allowed_hosts_setting() if allowed_hosts is None else list(allowed_hosts)
    try:
        destination = destination_parse(url)
    except DestinationRefused as refused:
        raise ValidationFailed.single("url", refused.code, refused.message) from refused
    cleaned_events = _clean_events(events)
    cleaned_secret = _clean_secret(secret)
    try:
        destination_addresses(destination, hosts)
    except DestinationRefused as refused:
        raise ValidationFailed.single("url", refused.code, refused.message) from refused

    duplicate = Conflict(_("Ya existe una suscripción activa a esa URL."))
    if WebhookSubscription.objects.filter(client=client, url=destination.url, active=True).exists():
        raise duplicate
    try:
        with transaction.atomic():
            subscription = WebhookSubscription.objects.create(
                client=client,
                url=destination.url,
                events=cleaned_events,
                secret=cleaned_secret,
                created_at=now,
            )
    except IntegrityError as clash:  # a concurrent subscribe to the same URL
        raise duplicate from clash
    return subscription, cleaned_secret


def _deactivate(subscription: WebhookSubscription, now: dt.datetime) -> int:
    """Deactivate a (locked) subscription, forget its secret, fail its pending deliveries."""
    subscription.active = False
    subscription.deactivated_at = now
    subscription.secret = ""
    subscription.save(update_fields=["active", "deactivated_at", "secret"])
    return WebhookDelivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.FAILED, last_error=_("La suscripción se eliminó."))


def webhook_unsubscribe(client: ApiClient, subscription_id: int, *, now: dt.datetime) -> None:
    """Delete `client`'s subscription: it stops, its log stays. Another client's: 404."""
    with transaction.atomic():
        subscription = (
            WebhookSubscription.objects.select_for_update()
            .filter(pk=subscription_id, client=client, active=True)
            .first()
        )
        if subscription is None:
            raise NotFound(_("No existe la suscripción %(id)s.") % {"id": subscription_id})
        _deactivate(subscription, now)


def webhook_subscriptions_deactivate(subscription_ids: Iterable[int], now: dt.datetime) -> int:
    """Administrators' switch: deactivate these subscriptions (as their clients would)."""
    with transaction.atomic():
        subscriptions = list(
            WebhookSubscription.objects.select_for_update().filter(
                pk__in=list(subscription_ids), active=True
            )
        )
        for subscription in subscriptions:
            _deactivate(subscription, now)
    return len(subscriptions)


# --- The outbox ---------------------------------------------------------------------------------


def _recipients() -> list[WebhookSubscription]:
    """Active subscriptions of active clients still allowed to manage webhooks.

    Most installations have none most of the time, and every case change asks: a bare query
    answers that case without the cost of building the full one. In a token request that
    answer came with the client, as of the request's start (``subscription_stamp``): no query.
    """
    stamped = stamp_take(STAMP)
    if stamped == NONE:
        return []
    if stamped is None:  # outside a token request, or taken already by this request
        with connection.cursor() as cursor:
            cursor.execute(ANY_ACTIVE_SQL)
            if cursor.fetchone() is None:
                return []
    return [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            active=True, client__active=True
        ).select_related("client")
        if subscription.client.has_scope(Scope.WEBHOOKS_MANAGE)
    ]


def webhook_events_record(
    case_ids: Iterable[int], event_types: str | Sequence[str], now: dt.datetime
) -> list[WebhookDelivery]:
    """Write one pending delivery per (event type, case, subscription) that should hear of it.

    Call inside the transaction that changed the cases, after saving them. A subscription
    hears of a case its client may see (``cases.selectors.access.cases_visible_to``: the cases it
    created, or every case with ``cases:read_all``). The body's ``data`` is the case JSON as
    such a client sees it (identifiers masked, no tracking code), read now, in the
    transaction. Each delivery is queued on commit. With no subscriber this costs one query,
    however many event types are given.
    """
    types = [event_types] if isinstance(event_types, str) else list(event_types)
    for event_type in types:
        if event_type not in WebhookEvent.values:
            raise ValueError(f"Unknown webhook event {event_type!r}")
    ids = list(dict.fromkeys(case_ids))
    if not ids or not types:
        return []
    subscriptions = [s for s in _recipients() if any(t in s.events for t in types)]
    if not subscriptions:
        return []
    visible: dict[int, set[int]] = {}
    for client in {subscription.client for subscription in subscriptions}:
        visible[client.pk] = set(
            cases_visible_to(Actor(client=client)).filter(pk__in=ids).values_list("pk", flat=True)
        )
    wanted = {case_id for case_ids_seen in visible.values() for case_id in case_ids_seen}
    if not wanted:
        return []
    cases: dict[int, Case] = case_output_queryset().in_bulk(sorted(wanted))
    documents = dict(zip(cases, case_documents(cases.values(), now=now), strict=True))
    created_at = timezone.localtime(now).isoformat()

    deliveries: list[WebhookDelivery] = []
    for event_type in types:
        for case_id in ids:
            if case_id not in documents:
                continue
            for subscription in subscriptions:
                if event_type not in subscription.events:
                    continue
                if case_id not in visible[subscription.client_id]:
                    continue
                event_id = uuid.uuid4()
                deliveries.append(
                    WebhookDelivery(
                        subscription=subscription,
                        event_id=event_id,
                        event_type=event_type,
                        case_id=case_id,
                        payload={
                            "id": str(event_id),
                            "type": event_type,
                            "created_at": created_at,
                            "data": documents[case_id],
                        },
                        status=DeliveryStatus.PENDING,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        enqueue_on_commit(deliver_webhook, delivery.pk)
    return deliveries


def webhook_event_record(
    case: Case, event_types: str | Sequence[str], now: dt.datetime
) -> list[WebhookDelivery]:
    """:func:`webhook_events_record` for one case (call after ``case.save``, in its transaction)."""
    return webhook_events_record([case.pk], event_types, now)


def webhook_deliveries_retry(delivery_ids: Iterable[int], now: dt.datetime) -> int:
    """Administrators' retry: failed deliveries of active subscriptions become due now.

    The attempt count is kept, so a delivery that had used all its attempts gets one more.
    """
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update()
            .filter(
                pk__in=list(delivery_ids),
                status=DeliveryStatus.FAILED,
                subscription__active=True,
            )
            .values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now
        )
        for delivery_id in ids:
            enqueue_on_commit(deliver_webhook, delivery_id)
    return len(ids)
