"""`Idempotency-Key` for case intake (SPEC §8, §10): a retry never creates a second case.

How two identical requests end with one case, even at the same instant:

1. The key is *reserved*: its row is inserted and committed on its own (a concurrent insert of
   the same key fails on the unique constraint, and that request reads the existing row).
2. In one transaction the row is locked (`SELECT … FOR UPDATE`). Whoever holds the lock
   creates the case and stores the answer in the row; the other waits on the lock and then
   finds the answer, which it replays.
3. If the first attempt failed (a refusal, a crash) its transaction rolled back and the row
   stays without an answer: the next attempt takes the lock and runs again — so the lock, not
   a timeout, says whether someone is still working on the key.

Same key with another body: 409 once an answer is stored. Keys are kept at least
`IDEMPOTENCY_KEY_RETENTION`; `idempotency_keys_purge` deletes older ones (run it daily).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infonavit_atencion.core.errors import Conflict, ValidationFailed

from ..events import Actor
from ..models import Case, IdempotencyKey

IDEMPOTENCY_KEY_RETENTION = dt.timedelta(hours=24)
KEY_MAX_LENGTH = 255
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class IdempotentAnswer:
    status: int
    body: dict[str, Any]
    replayed: bool


def idempotency_key_clean(raw: str) -> str:
    """The key as given, if it is 1–255 visible ASCII characters; otherwise 400."""
    key = raw.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not all(33 <= ord(ch) <= 126 for ch in key):
        raise ValidationFailed.single(
            HEADER,
            "invalid",
            _("La llave de idempotencia debe tener de 1 a 255 caracteres ASCII visibles."),
        )
    return key


def request_fingerprint(data: Any) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces): key order and spacing
    of the original request do not matter."""
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _owner(actor: Actor) -> dict[str, Any]:
    if actor.client is not None:
        return {"client": actor.client}
    if actor.user is not None:
        return {"user": actor.user}
    raise ValueError("An idempotency key needs an API client or a user")


def _reserve(owner: dict[str, Any], key: str, fingerprint: str, now: dt.datetime) -> int:
    """The id of the key's row, inserting (and committing) it if it is new."""
    existing = IdempotencyKey.objects.filter(**owner, key=key).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                **owner, key=key, request_fingerprint=fingerprint, created_at=now
            ).pk
    except IntegrityError:  # the same key, reserved a moment ago by a concurrent request
        return IdempotencyKey.objects.filter(**owner, key=key).values_list("pk", flat=True).get()


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = gettext_lazy("La llave de idempotencia ya se usó con otra solicitud")


def idempotent_create(
    actor: Actor,
    key: str,
    fingerprint: str,
    now: dt.datetime,
    produce: Callable[[], tuple[int, dict[str, Any], Case]],
) -> IdempotentAnswer:
    """Run `produce` (create the case, return status, body and case) once per key.

    Call outside any transaction, so that the reservation commits before the case is created.
    """
    owner = _owner(actor)
    for _attempt in range(2):  # the row may be purged between reserving and locking it
        pk = _reserve(owner, key, fingerprint, now)
        with transaction.atomic():
            row = IdempotencyKey.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            if row.response_status is not None:
                if row.request_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        _("Esa llave ya se usó con un cuerpo distinto; use una llave nueva.")
                    )
                return IdempotentAnswer(row.response_status, json.loads(row.response_body), True)
            # No answer: no case was created under this key, whatever body it was reserved with.
            status, body, case = produce()
            row.request_fingerprint = fingerprint
            row.response_status = status
            row.response_body = json.dumps(body, ensure_ascii=False)
            row.case = case
            row.save(
                update_fields=["request_fingerprint", "response_status", "response_body", "case"]
            )
            return IdempotentAnswer(status, body, False)
    raise Conflict(_("La llave de idempotencia está en proceso; reintente en unos segundos."))


def idempotency_keys_purge(
    now: dt.datetime, *, retention: dt.timedelta = IDEMPOTENCY_KEY_RETENTION
) -> int:
    """Delete keys reserved more than `retention` ago; returns how many. Safe to run twice."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - retention).delete()
    return deleted
