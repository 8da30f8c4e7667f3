"""When and where cases arrive: channel shares, seasons, weekday and hour profiles (profiles.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from businesstime import clock

from .catalog import OfficeInfo, Snapshot
from .profiles import CHANNEL_SHARES, HOUR_PROFILES, day_weight

CENTRAL_TZ = ZoneInfo("America/Mexico_City")
OPEN_HOURS_KINDS = ("presencial", "telefonico")  # received only while the office is open


@dataclass(frozen=True)
class Arrival:
    received_at: dt.datetime
    channel_code: str
    office: OfficeInfo | None


def _office_for(
    snap: Snapshot, channel_id: int, kind: str, rng: random.Random
) -> OfficeInfo | None:
    offices = snap.offices_by_channel.get(channel_id, [])
    if not offices:
        return None
    if kind in OPEN_HOURS_KINDS or (kind == "escrito" and rng.random() < 0.8):
        return rng.choice(offices)
    return None


def arrivals_sample(
    snap: Snapshot, count: int, start: dt.datetime, now: dt.datetime, rng: random.Random
) -> list[Arrival]:
    """`count` arrivals in [start, now), sorted by received_at."""
    codes = [
        c for c in CHANNEL_SHARES if c in snap.channels and snap.offer.get(snap.channels[c][0])
    ]
    per_channel = Counter(rng.choices(codes, weights=[CHANNEL_SHARES[c] for c in codes], k=count))
    first_day = start.astimezone(CENTRAL_TZ).date()
    days = [
        first_day + dt.timedelta(days=n)
        for n in range((now.astimezone(CENTRAL_TZ).date() - first_day).days + 1)
    ]
    arrivals: list[Arrival] = []
    for code, wanted in per_channel.items():
        channel_id, kind = snap.channels[code]
        weights = [day_weight(day, kind) for day in days]
        hours = HOUR_PROFILES[kind]
        got = 0
        while got < wanted:
            need = wanted - got
            for day, hour in zip(
                rng.choices(days, weights=weights, k=need),
                rng.choices(range(24), weights=hours, k=need),
                strict=True,
            ):
                office = _office_for(snap, channel_id, kind, rng)
                tz = ZoneInfo(office.timezone) if office is not None else CENTRAL_TZ
                local = dt.datetime(
                    day.year,
                    day.month,
                    day.day,
                    hour,
                    rng.randrange(60),
                    rng.randrange(60),
                    tzinfo=tz,
                )
                received = local.astimezone(dt.UTC)
                if office is not None and kind in OPEN_HOURS_KINDS:
                    received = clock.next_opening(snap.spec(office.calendar_id), received)
                if start <= received < now:
                    arrivals.append(Arrival(received, code, office))
                    got += 1
    arrivals.sort(key=lambda a: a.received_at)
    return arrivals
