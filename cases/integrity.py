"""Checking the history's hash chains (ADR 0013): every case's events and the access log.

Streams rows in chain order through server-side cursors (PostgreSQL) in chunks, recomputes
each link with `infonavit_atencion.core.hashchain` and stops at the first row whose stored hash
is not the one its content and the previous row give. A changed row breaks at itself; a
deleted, reordered or inserted row breaks at itself or at the next row of its chain.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Subquery

from contacts.models import ContactAccessLog
from infonavit_atencion.core import hashchain

from .events import event_hash
from .models import Case, CaseEvent

CHUNK = 20_000
PROGRESS_EVERY = 200_000

# Called with (chain name, rows checked so far, seconds since the chain's check started).
Progress = Callable[[str, int, float], None]


@dataclass(frozen=True)
class Break:
    """The first row whose hash does not match: which chain, which row, where."""

    chain: str  # "events" or "access_log"
    row_id: int
    at: dt.datetime
    folio: str = ""  # the case's folio, for a case event


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    seconds: float
    broken: Break | None

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0


def _quiet(chain: str, checked: int, seconds: float) -> None:
    return None


def events_verify(since: dt.datetime | None = None, progress: Progress = _quiet) -> ChainReport:
    """Every case chain (or, with `since`, the whole chain of each case with an event at or
    after it), in (case, at, id) order."""
    rows = CaseEvent.objects.order_by("case_id", "at", "id")
    if since is not None:
        rows = rows.filter(
            case_id__in=Subquery(CaseEvent.objects.filter(at__gte=since).values("case_id"))
        )
    started = time.monotonic()
    checked = 0
    case_id, head = None, hashchain.GENESIS
    link = hashchain.event_link
    for row in rows.values_list("id", "chain_hash", *hashchain.EVENT_FIELDS).iterator(
        chunk_size=CHUNK
    ):
        if row[2] != case_id:
            case_id, head = row[2], hashchain.GENESIS
        if link(head, row[2:]) != row[1]:
            folio = Case.objects.filter(pk=row[2]).values_list("folio", flat=True).first() or ""
            return ChainReport(
                "events",
                checked,
                time.monotonic() - started,
                Break("events", row[0], row[4], folio),
            )
        head = row[1]
        checked += 1
        if checked % PROGRESS_EVERY == 0:
            progress("events", checked, time.monotonic() - started)
    return ChainReport("events", checked, time.monotonic() - started, None)


def access_log_verify(since: dt.datetime | None = None, progress: Progress = _quiet) -> ChainReport:
    """The access log's one chain in id order (with `since`, from its first row at or after it,
    linked to the stored hash of the row before)."""
    rows = ContactAccessLog.objects.order_by("id")
    head = hashchain.GENESIS
    if since is not None:
        first = (
            ContactAccessLog.objects.filter(at__gte=since)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        if first is None:
            return ChainReport("access_log", 0, 0.0, None)
        rows = rows.filter(id__gte=first)
        before = (
            ContactAccessLog.objects.filter(id__lt=first)
            .order_by("-id")
            .values_list("chain_hash", flat=True)
        )
        head = before.first() or hashchain.GENESIS
    started = time.monotonic()
    checked = 0
    link = hashchain.access_link
    for row in rows.values_list("id", "chain_hash", *hashchain.ACCESS_FIELDS).iterator(
        chunk_size=CHUNK
    ):
        if link(head, row[2:]) != row[1]:
            return ChainReport(
                "access_log",
                checked,
                time.monotonic() - started,
                Break("access_log", row[0], row[7]),
            )
        head = row[1]
        checked += 1
        if checked % PROGRESS_EVERY == 0:
            progress("access_log", checked, time.monotonic() - started)
    return ChainReport("access_log", checked, time.monotonic() - started, None)


def case_history_break(events: Sequence[CaseEvent]) -> CaseEvent | None:
    """The first of one case's events, given in (at, id) order, whose hash does not match;
    None when the history is intact. Pure: the case page passes the events it already loaded."""
    head = hashchain.GENESIS
    for event in events:
        if event_hash(event, head) != event.chain_hash:
            return event
        head = event.chain_hash
    return None
