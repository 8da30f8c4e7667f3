"""Sending a delivery: sign the body, POST it once, record the attempt, schedule the retry.

One attempt (:func:`webhook_delivery_attempt`) runs in three steps, so that no database lock
is held while a remote server answers (on SQLite that would stall every writer):

1. claim — in a short transaction, lock the delivery; skip it unless it is pending and due;
   count the attempt and move ``next_attempt_at`` to the retry instant. A second task for the
   same delivery (a duplicate message, the sweeper) now finds it not due and does nothing; a
   worker killed mid-request leaves it to be retried at that instant.
2. send — serialize the payload ONCE and sign exactly those bytes; resolve the host and check
   every address again (DNS rebinding), then connect to those very addresses; POST with short
   timeouts and never follow a redirect (http.client does not, and a 3xx counts as a failure).
3. record — in a short transaction, write the attempt row and, if the delivery is still the
   one claimed, mark it delivered (2xx) or leave it pending for the retry, or failed after
   :data:`MAX_ATTEMPTS`.

Retries back off exponentially: 30 s × 2^(attempt − 1), at most 6 h — 10 attempts span about
8.5 hours. Delivery is at least once: receivers should skip an ``id`` already seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .destinations import (
    Destination,
    DestinationRefused,
    allowed_hosts_setting,
    destination_addresses,
    destination_parse,
)
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery

MAX_ATTEMPTS = 10
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 5.0  # connect, and each read
USER_AGENT = "AtencionInfonavit-Webhooks/1"
SIGNATURE_HEADER = "X-Atencion-Signature"
EVENT_HEADER = "X-Atencion-Event"
DELIVERY_HEADER = "X-Atencion-Delivery"
ERROR_MAX_LENGTH = 500
BODY_KEYS = ("id", "type", "created_at", "data")


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min … capped at 6 h."""
    exponent = min(max(attempts - 1, 0), 20)  # 2**20 × 30 s is far past the cap already
    return min(BACKOFF_BASE * 2**exponent, BACKOFF_MAX)


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON, top-level keys in a fixed order."""
    ordered = {key: payload[key] for key in BODY_KEYS if key in payload}
    ordered.update({key: value for key, value in payload.items() if key not in ordered})
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, body): the X-Atencion-Signature header."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pinned_connector(addresses: list[str]) -> Any:
    """A replacement for socket.create_connection that dials only the checked addresses."""

    def create_connection(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None, **kwargs: Any
    ) -> socket.socket:
        last_error: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as error:
                last_error = error
        raise last_error or OSError(_("Sin direcciones a las que conectar."))

    return create_connection


def _connection(destination: Destination, addresses: list[str]) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if destination.scheme == "https":
        # Certificate and SNI are checked against the host name, not the pinned address.
        connection = http.client.HTTPSConnection(
            destination.host,
            destination.port,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            destination.host, destination.port, timeout=TIMEOUT_SECONDS
        )
    # http.client dials through this attribute in connect(); pin it to the checked addresses.
    connection._create_connection = _pinned_connector(addresses)  # type: ignore[attr-defined]
    return connection


def _short(text: str) -> str:
    return text if len(text) <= ERROR_MAX_LENGTH else text[: ERROR_MAX_LENGTH - 1] + "…"


def http_post(url: str, body: bytes, headers: dict[str, str]) -> SendResult:
    """POST `body` to `url` once. Never raises for network trouble: it is in the result."""
    started = time.monotonic()

    def result(status_code: int | None, error: str) -> SendResult:
        elapsed = int((time.monotonic() - started) * 1000)
        return SendResult(status_code, _short(error), elapsed)

    try:
        destination = destination_parse(url)
        addresses = destination_addresses(destination, allowed_hosts_setting())
    except DestinationRefused as refused:
        # The delivery log still names the address the host resolved to at send time.
        return result(None, refused.message_with_address)
    connection = _connection(destination, addresses)
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        status, location = response.status, response.getheader("Location", "")
    except TimeoutError:
        return result(None, _("Tiempo de espera agotado (%(s)d s).") % {"s": TIMEOUT_SECONDS})
    except ssl.SSLError as error:
        return result(None, _("Error de TLS: %(error)s") % {"error": error})
    except (OSError, http.client.HTTPException) as error:
        reason = str(error) or type(error).__name__
        return result(None, _("Error de conexión: %(error)s") % {"error": reason})
    finally:
        connection.close()
    if 300 <= status < 400:
        return result(
            status,
            _("Redirección no seguida (HTTP %(status)d a «%(location)s»).")
            % {"status": status, "location": location},
        )
    if not 200 <= status < 300:
        return result(status, _("El receptor respondió HTTP %(status)d.") % {"status": status})
    return result(status, "")


# --- One attempt --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    number: int
    url: str
    secret: str
    event_type: str
    event_id: str
    payload: dict[str, Any]


def _claim(delivery_id: int, now: dt.datetime) -> _Claim | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription__client")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        if delivery.next_attempt_at > now:
            return None  # not due yet, or another worker is sending it right now
        subscription = delivery.subscription
        if not (subscription.active and subscription.client.active and subscription.secret):
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = _("La suscripción ya no está activa.")
            delivery.save(update_fields=["status", "last_error"])
            return None
        delivery.attempts += 1  # the row is locked: no concurrent increment
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return _Claim(
            delivery.attempts,
            subscription.url,
            subscription.secret,
            delivery.event_type,
            str(delivery.event_id),
            delivery.payload,
        )


def _record(delivery_id: int, claim: _Claim, sent: SendResult, now: dt.datetime) -> str:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=claim.number,
            at=now,
            status_code=sent.status_code,
            error=sent.error,
            duration_ms=sent.duration_ms,
        )
        if delivery.status != DeliveryStatus.PENDING or delivery.attempts != claim.number:
            return str(delivery.status)  # unsubscribed or retried by hand meanwhile
        delivery.last_status_code = sent.status_code
        delivery.last_error = sent.error
        changed = ["last_status_code", "last_error"]
        if sent.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now + dt.timedelta(milliseconds=sent.duration_ms)
            changed += ["status", "delivered_at"]
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            changed.append("status")
        delivery.save(update_fields=changed)
        return str(delivery.status)


def webhook_delivery_attempt(delivery_id: int, now: dt.datetime) -> str | None:
    """Send the delivery once if it is pending and due. Returns its status after, or None when
    there was nothing to do (so a duplicate task is harmless)."""
    claim = _claim(delivery_id, now)
    if claim is None:
        return None
    body = body_bytes(claim.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(claim.secret, body),
        EVENT_HEADER: claim.event_type,
        DELIVERY_HEADER: claim.event_id,
    }
    sent = http_post(claim.url, body, headers)
    return _record(delivery_id, claim, sent, now)
