"""`Idempotency-Key` for case intake (SPEC §8, §10): a retry never creates a second case.

How two identical requests end with one case, even at the same instant — all in ONE transaction
per request (the case and the key's row with its answer commit together):

1. The case is created first; the key's row is written last, with the answer, in one
   ``INSERT … ON CONFLICT DO NOTHING`` (issue 17: one write of the key, not a reservation and
   then an update). A concurrent insert of the same key waits on the unique index until the
   first transaction ends.
2. If the row went in, commit: this is the answer. If the key was taken (committed by an
   earlier or a concurrent request), the whole intake rolls back — its folio stays unused, a
   gap ADR 0003 allows — and the stored answer is replayed (409 if the body differs).
3. If the intake is refused (or clashes with a concurrent twin, e.g. on the external
   reference), a stored answer for the key still wins, as a replay; otherwise the refusal
   stands and nothing is stored, so the key can be retried.

A row without an answer (left by an older server that reserved keys first) is taken over under
its lock. Keys are kept at least `IDEMPOTENCY_KEY_RETENTION`; `idempotency_keys_purge` deletes
older ones (run it daily).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infonavit_atencion.core import row_insert
from infonavit_atencion.core.errors import Conflict, ValidationFailed
from infonavit_atencion.core.row_insert import Statement

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


def _insert_answered(
    owner: dict[str, Any], key: str, fingerprint: str, now: dt.datetime, answer: Produced
) -> bool:
    """Write the key's row with its answer in the caller's transaction; False if it is taken.

    The answer's pending statements (the intake's events) go first, in the same round trip
    on PostgreSQL (ADR 0020). Waits while another transaction holds the same key uncommitted
    (see the module docstring).
    """
    row = IdempotencyKey(
        **owner,
        key=key,
        request_fingerprint=fingerprint,
        response_status=answer.status,
        response_body=answer.stored_body,
        case=answer.case,
        created_at=now,
    )
    insert = row_insert.insert_statement([row], returning=False)
    returning = row_insert.returning_sql(IdempotencyKey)
    key_row = Statement(
        f"{insert.sql} ON CONFLICT DO NOTHING RETURNING {returning}",
        insert.params,
        prepare=insert.prepare,
    )
    return bool(row_insert.statements_execute([*answer.pending, key_row]))


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = gettext_lazy("La llave de idempotencia ya se usó con otra solicitud")


@dataclass(frozen=True)
class Produced:
    """What producing the answer gave: the status and body to store and send, the case, and
    the statements still to send in its transaction (`CaseCreateResult.pending`)."""

    status: int
    body: dict[str, Any]
    case: Case
    pending: tuple[Statement, ...] = ()

    @property
    def stored_body(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)


class _KeyTaken(Exception):
    """Raised to roll a produced intake back whole: the key already has its row."""


Produce = Callable[[], Produced]


def _replay(row: IdempotencyKey, fingerprint: str) -> IdempotentAnswer:
    if row.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("Esa llave ya se usó con un cuerpo distinto; use una llave nueva.")
        )
    assert row.response_status is not None
    return IdempotentAnswer(row.response_status, json.loads(row.response_body), True)


def _take_over(
    owner: dict[str, Any], key: str, fingerprint: str, produce: Produce
) -> IdempotentAnswer | None:
    """Answer a key whose row has no answer (an older server's reservation), under its lock.

    None if the row is gone meanwhile (purged): the caller starts again.
    """
    with transaction.atomic():
        row = IdempotencyKey.objects.select_for_update().filter(**owner, key=key).first()
        if row is None:
            return None
        if row.response_status is not None:
            return _replay(row, fingerprint)
        answer = produce()
        if answer.pending:
            row_insert.statements_execute(answer.pending)
        IdempotencyKey.objects.filter(pk=row.pk).update(
            request_fingerprint=fingerprint,
            response_status=answer.status,
            response_body=answer.stored_body,
            case=answer.case,
        )
        return IdempotentAnswer(answer.status, answer.body, False)


def idempotent_create(
    actor: Actor, key: str, fingerprint: str, now: dt.datetime, produce: Produce
) -> IdempotentAnswer:
    """Run `produce` (create the case; its status, body, case and pending statements) once per key.

    `produce` runs inside this function's transaction: the case, the key and the answer commit
    together, or nothing does. The body must be plain JSON data (it is stored as text).
    """
    owner = _owner(actor)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                answer = produce()
                if _insert_answered(owner, key, fingerprint, now, answer):
                    return IdempotentAnswer(answer.status, answer.body, False)
                raise _KeyTaken
        except _KeyTaken:
            pass
        except Exception:
            # A refusal, or a clash with a concurrent twin that has committed: the key's
            # stored answer, if there is one, is the answer (as if it had been read first).
            row = IdempotencyKey.objects.filter(**owner, key=key).first()
            if row is None or row.response_status is None:
                raise
            return _replay(row, fingerprint)
        # The key's row is committed (the insert waited for it): read without a lock.
        row = IdempotencyKey.objects.filter(**owner, key=key).first()
        if row is not None and row.response_status is not None:
            return _replay(row, fingerprint)
        if row is not None:
            taken_over = _take_over(owner, key, fingerprint, produce)
            if taken_over is not None:
                return taken_over
        # Purged between the insert and the read: once more.
    raise Conflict(_("La llave de idempotencia está en proceso; reintente en unos segundos."))


def idempotency_keys_purge(
    now: dt.datetime, *, retention: dt.timedelta = IDEMPOTENCY_KEY_RETENTION
) -> int:
    """Delete keys reserved more than `retention` ago; returns how many. Safe to run twice."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - retention).delete()
    return deleted
