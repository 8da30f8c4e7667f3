"""Daily anchors of the history's chains (ADR 0013): seal, check, export.

Each day (in TIME_ZONE) gets one `HistoryAnchor`: the digest of the head, at the end of that
day, of every case chain with an event that day and of the access log, plus how many rows that
was; each anchor's hash covers the previous anchor's. Only rows that existed when the day was
sealed count (ids up to the anchor's last ids), so a backdated intake written later does not
change a sealed day. The Órgano Interno de Control keeps the export (`export_anchors`) outside
the database; `verify_history` recomputes every anchor from the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min

from contacts.models import ContactAccessLog
from infonavit_atencion.core import hashchain

from .models import CaseEvent, HistoryAnchor

EXPORT_FIELDS = (
    "day",
    "digest",
    "heads",
    "events",
    "accesses",
    "last_event_id",
    "last_access_id",
    "prev_hash",
    "anchor_hash",
    "sealed_at",
)


@dataclass(frozen=True)
class DaySeal:
    """What an anchor seals for one day, recomputed from the rows."""

    digest: str
    heads: int
    events: int
    accesses: int


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def day_seal(day: dt.date, last_event_id: int, last_access_id: int) -> DaySeal:
    """The heads of `day`'s chains among rows with ids up to the given ones."""
    start, end = _bounds(day)
    heads: dict[str, str] = {}
    events = 0
    rows = (
        CaseEvent.objects.filter(at__gte=start, at__lt=end, id__lte=last_event_id)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "chain_hash")
    )
    for case_id, chain_hash in rows.iterator(chunk_size=20_000):
        heads[f"case:{case_id}"] = chain_hash
        events += 1
    access = ContactAccessLog.objects.filter(at__gte=start, at__lt=end, id__lte=last_access_id)
    accesses = access.count()
    if accesses:
        heads["access_log"] = access.order_by("-id").values_list("chain_hash", flat=True)[0]
    return DaySeal(hashchain.heads_digest(list(heads.items())), len(heads), events, accesses)


def _anchor_hash(anchor: HistoryAnchor) -> str:
    return hashchain.anchor_link(
        anchor.prev_hash, [getattr(anchor, name) for name in hashchain.ANCHOR_FIELDS]
    )


def _local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _first_day() -> dt.date | None:
    firsts = [
        CaseEvent.objects.aggregate(first=Min("at"))["first"],
        ContactAccessLog.objects.aggregate(first=Min("at"))["first"],
    ]
    known = [_local_day(at) for at in firsts if at is not None]
    return min(known) if known else None


def anchors_seal(now: dt.datetime) -> list[HistoryAnchor]:
    """Seal every day not sealed yet, up to yesterday (in TIME_ZONE), in order; a second run
    the same day seals nothing. The first run starts at the day of the oldest row."""
    yesterday = _local_day(now) - dt.timedelta(days=1)
    sealed = []
    with transaction.atomic():
        # One sealer at a time: the anchors' chain has a single head.
        last = HistoryAnchor.objects.select_for_update().order_by("-day").first()
        day = last.day + dt.timedelta(days=1) if last is not None else _first_day()
        if day is None:
            return []
        last_event_id = CaseEvent.objects.aggregate(last=Max("id"))["last"] or 0
        last_access_id = ContactAccessLog.objects.aggregate(last=Max("id"))["last"] or 0
        prev_hash = last.anchor_hash if last is not None else hashchain.GENESIS
        while day <= yesterday:
            seal = day_seal(day, last_event_id, last_access_id)
            anchor = HistoryAnchor(
                day=day,
                digest=seal.digest,
                heads=seal.heads,
                events=seal.events,
                accesses=seal.accesses,
                last_event_id=last_event_id,
                last_access_id=last_access_id,
                prev_hash=prev_hash,
                sealed_at=now,
            )
            anchor.anchor_hash = prev_hash = _anchor_hash(anchor)
            anchor.save()
            sealed.append(anchor)
            day += dt.timedelta(days=1)
    return sealed


@dataclass(frozen=True)
class AnchorBreak:
    day: dt.date
    reason: str  # "link" (the anchor chain) or "digest" (the rows changed since sealing)


def anchors_verify(since: dt.date | None = None) -> tuple[int, AnchorBreak | None]:
    """Recompute every anchor (from `since`): its link to the previous one and its day's digest."""
    anchors = HistoryAnchor.objects.order_by("day")
    prev_hash = hashchain.GENESIS
    if since is not None:
        anchors = anchors.filter(day__gte=since)
        before = HistoryAnchor.objects.filter(day__lt=since).order_by("-day").first()
        prev_hash = before.anchor_hash if before is not None else hashchain.GENESIS
    checked = 0
    for anchor in anchors.iterator():
        if anchor.prev_hash != prev_hash or _anchor_hash(anchor) != anchor.anchor_hash:
            return checked, AnchorBreak(anchor.day, "link")
        seal = day_seal(anchor.day, anchor.last_event_id, anchor.last_access_id)
        if (seal.digest, seal.heads, seal.events, seal.accesses) != (
            anchor.digest, anchor.heads, anchor.events, anchor.accesses,
        ):  # fmt: skip
            return checked, AnchorBreak(anchor.day, "digest")
        prev_hash = anchor.anchor_hash
        checked += 1
    return checked, None


def _export_rows(since: dt.date | None) -> Iterator[dict[str, object]]:
    anchors = HistoryAnchor.objects.order_by("day")
    if since is not None:
        anchors = anchors.filter(day__gte=since)
    for anchor in anchors.iterator():
        row: dict[str, object] = {name: getattr(anchor, name) for name in EXPORT_FIELDS}
        row["day"] = anchor.day.isoformat()
        row["sealed_at"] = anchor.sealed_at.astimezone(dt.UTC).isoformat()
        yield row


def anchors_export(fmt: str, since: dt.date | None = None) -> str:
    """The anchors as JSON (a list of objects) or CSV (a header row, then one row per day)."""
    rows = list(_export_rows(since))
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
