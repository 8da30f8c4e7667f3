"""`Idempotency-Key` for case intake (SPEC §8, §10): a retry never creates a second case.

How two identical requests end with one case, even at the same instant — all in ONE transaction
per request (the key's row, the case and the stored answer commit together):

1. The key's row is inserted first (``INSERT … ON CONFLICT DO NOTHING``). A concurrent insert
   of the same key waits on the unique index until the first transaction ends.
2. Whoever inserted the row creates the case and stores the answer in the row, then commits.
   The one that waited finds the key taken, locks the committed row (``SELECT … FOR UPDATE``)
   and replays its answer.
3. If the first attempt failed (a refusal, a crash) its transaction rolled back, taking the
   row with it: the waiting request's insert then goes through and it runs as the first.

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

from django.db import connection, transaction
from django.db.models import Field
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


def _reserve(owner: dict[str, Any], key: str, fingerprint: str, now: dt.datetime) -> int | None:
    """Insert the key's row in the caller's transaction: its id, or None if the key is taken.

    Waits while another transaction holds the same key uncommitted (see the module docstring).
    """
    meta = IdempotencyKey._meta
    values = {
        "client": owner["client"].pk if "client" in owner else None,
        "user": owner["user"].pk if "user" in owner else None,
        "key": key,
        "request_fingerprint": fingerprint,
        "response_body": "",
        "created_at": now,
    }
    quote = connection.ops.quote_name
    columns, params = [], []
    for name, value in values.items():
        column = meta.get_field(name)
        assert isinstance(column, Field)
        columns.append(quote(column.column))
        params.append(column.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - model metadata
        f"VALUES ({', '.join(['%s'] * len(params))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


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

    `produce` runs inside this function's transaction: the key, the case and the answer commit
    together, or nothing does. The body must be plain JSON data (it is stored as text).
    """
    owner = _owner(actor)
    with transaction.atomic():
        pk = _reserve(owner, key, fingerprint, now)
        if pk is None:
            row = IdempotencyKey.objects.select_for_update().filter(**owner, key=key).first()
            if row is None:  # purged between the insert and the lock: take the key again
                pk = _reserve(owner, key, fingerprint, now)
                if pk is None:
                    raise Conflict(
                        _("La llave de idempotencia está en proceso; reintente en unos segundos.")
                    )
            elif row.response_status is not None:
                if row.request_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        _("Esa llave ya se usó con un cuerpo distinto; use una llave nueva.")
                    )
                return IdempotentAnswer(row.response_status, json.loads(row.response_body), True)
            else:  # reserved without an answer (by an attempt that never finished): ours now
                pk = row.pk
        status, body, case = produce()
        IdempotencyKey.objects.filter(pk=pk).update(
            request_fingerprint=fingerprint,
            response_status=status,
            response_body=json.dumps(body, ensure_ascii=False),
            case=case,
        )
        return IdempotentAnswer(status, body, False)


def idempotency_keys_purge(
    now: dt.datetime, *, retention: dt.timedelta = IDEMPOTENCY_KEY_RETENTION
) -> int:
    """Delete keys reserved more than `retention` ago; returns how many. Safe to run twice."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - retention).delete()
    return deleted
