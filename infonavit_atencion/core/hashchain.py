"""Hash chains over append-only rows: the one canonical serialization (ADR 0013).

Each link is ``sha256(canonical(prev_hash, fields))`` in lowercase hex. The canonical form is
the compact JSON of ``[scheme, prev_hash, *fields]`` with sorted keys, so a row's JSON data
hashes the same before it is written and after the database returns it (PostgreSQL ``jsonb``
reorders keys). Instants are integers: microseconds since the epoch in UTC, whatever time zone
the value carries. Pure: no Django, no models; writers and the verifier pass plain values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

# The first link of every chain points at this.
GENESIS = ""
HASH_LENGTH = 64

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_MICROSECOND = dt.timedelta(microseconds=1)
_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def instant(value: dt.datetime) -> int:
    """Microseconds since the epoch (UTC); an aware datetime is required."""
    if value.tzinfo is None:
        raise ValueError("hash chains take aware datetimes only")
    return (value - _EPOCH) // _ONE_MICROSECOND


def link(scheme: str, prev_hash: str, fields: Sequence[Any]) -> str:
    """The hash of one row: its scheme tag, the previous row's hash and its own fields."""
    return hashlib.sha256(_dumps([scheme, prev_hash, *fields]).encode()).hexdigest()


EVENT_SCHEME = "event.v1"
ACCESS_SCHEME = "access.v1"
ANCHOR_SCHEME = "anchor.v1"

# A case event's hashed fields, in canonical order (model attribute names; `at` an instant).
# The event's own id is left out: the database assigns it after the hash is computed, and the
# link to the previous event already fixes the event's place in its case's chain.
EVENT_FIELDS = (
    "case_id", "kind", "at", "actor_user_id", "actor_client_id", "data", "status", "case_kind",
    "channel_id", "office_id", "service_id", "directorate_id", "area_id",
)  # fmt: skip
_EVENT_AT = EVENT_FIELDS.index("at")

# A personal-data access log row's hashed fields (one global chain, in id order).
ACCESS_FIELDS = ("contact_id", "user_id", "api_client_id", "case_id", "reason", "at")
_ACCESS_AT = ACCESS_FIELDS.index("at")


def event_link(prev_hash: str, values: Sequence[Any]) -> str:
    """A case event's hash after `prev_hash`; `values` in EVENT_FIELDS order."""
    fields = list(values)
    fields[_EVENT_AT] = instant(fields[_EVENT_AT])
    return link(EVENT_SCHEME, prev_hash, fields)


def access_link(prev_hash: str, values: Sequence[Any]) -> str:
    """An access log row's hash after `prev_hash`; `values` in ACCESS_FIELDS order."""
    fields = list(values)
    fields[_ACCESS_AT] = instant(fields[_ACCESS_AT])
    return link(ACCESS_SCHEME, prev_hash, fields)


# A daily anchor's hashed fields (`day` an ISO date).
ANCHOR_FIELDS = ("day", "digest", "heads", "events", "accesses", "last_event_id", "last_access_id")


def anchor_link(prev_hash: str, values: Sequence[Any]) -> str:
    """A daily anchor's hash after the previous anchor's; `values` in ANCHOR_FIELDS order."""
    fields = list(values)
    fields[0] = fields[0].isoformat()
    return link(ANCHOR_SCHEME, prev_hash, fields)


def heads_digest(heads: Sequence[tuple[str, str]]) -> str:
    """The digest of a day's chain heads, each ``(chain name, head hash)``, in name order."""
    return link("heads.v1", GENESIS, [list(pair) for pair in sorted(heads)])
