"""Writes of the indicator store (ADR 0009): per-case facts and spells, then daily rollups.

* :func:`indicators_refresh` (beat, every minute): the cases with events newer than the stored
  watermark — or written in the last minutes, to catch transactions that committed late — get
  their facts and spells replayed (delete + insert per case), and every local date their old or
  new rows touch is re-aggregated. Safe to run twice; runs one at a time (row lock).
* :func:`indicators_rebuild` (``manage.py rebuild_indicators``): the same from scratch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Max, Min, Q

from cases.models import Case, CaseEvent

from .facts import CaseFacts, Fact, Spell
from .loading import FactLoader
from .metrics import local_date
from .models import BacklogSpell, DailyChannelRollup, DailyRollup, IndicatorFact, RollupState
from .rollup_sql import rollup_channel_sql, rollup_full_sql

# Transactions that commit later than this after their events' instant may be missed until the
# next rebuild; routing and workflow transactions last milliseconds.
LATE_COMMIT_MARGIN = dt.timedelta(minutes=5)
BATCH_CASES = 2000
MAX_EVENTS_PER_REFRESH = 100_000
FACT_COLUMNS = (
    "case_id",
    "metric",
    "at",
    "date",
    "channel_id",
    "directorate_id",
    "area_id",
    "office_id",
    "service_id",
    "kind",
    "within_sla",
    "fcr",
    "resolution_ms",
    "bucket",
    "csat",
    "nps",
)
SPELL_COLUMNS = (
    "case_id",
    "start_at",
    "end_at",
    "due_at",
    "start_date",
    "end_date",
    "breach_date",
    "channel_id",
    "directorate_id",
    "area_id",
    "office_id",
    "service_id",
    "kind",
)


@dataclass
class RefreshReport:
    cases: int = 0
    dates: int = 0
    watermark: int = 0


def fact_row(fact: Fact) -> tuple:
    d = fact.dims
    return (
        fact.case_id,
        fact.metric,
        fact.at,
        fact.date,
        d.channel_id,
        d.directorate_id,
        d.area_id,
        d.office_id,
        d.service_id,
        d.kind,
        fact.within_sla,
        fact.fcr,
        fact.resolution_ms,
        fact.bucket,
        fact.csat,
        fact.nps,
    )


def spell_dates(spell: Spell) -> tuple[dt.date, dt.date | None, dt.date]:
    start = local_date(spell.start_at)
    end = local_date(spell.end_at) if spell.end_at is not None else None
    return start, end, max(start, local_date(spell.due_at))


def spell_row(spell: Spell) -> tuple:
    d = spell.dims
    start, end, breach = spell_dates(spell)
    return (
        spell.case_id,
        spell.start_at,
        spell.end_at,
        spell.due_at,
        start,
        end,
        breach,
        d.channel_id,
        d.directorate_id,
        d.area_id,
        d.office_id,
        d.service_id,
        d.kind,
    )


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            ["\\N" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in row]
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(model._meta.db_table, columns, rows)
        return
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=2000)


def _stored_dates(case_ids: list[int]) -> set[dt.date]:
    dates = set(
        IndicatorFact.objects.filter(case_id__in=case_ids).values_list("date", flat=True).distinct()
    )
    for start, end, breach in BacklogSpell.objects.filter(case_id__in=case_ids).values_list(
        "start_date", "end_date", "breach_date"
    ):
        dates.update(d for d in (start, end, breach) if d is not None)
    return dates


def _new_dates(found: dict[int, CaseFacts]) -> set[dt.date]:
    dates: set[dt.date] = set()
    for facts in found.values():
        dates.update(f.date for f in facts.facts)
        for spell in facts.spells:
            dates.update(d for d in spell_dates(spell) if d is not None)
    return dates


def _write(found: dict[int, CaseFacts]) -> None:
    _insert(
        IndicatorFact, FACT_COLUMNS, [fact_row(f) for facts in found.values() for f in facts.facts]
    )
    _insert(
        BacklogSpell,
        SPELL_COLUMNS,
        [spell_row(s) for facts in found.values() for s in facts.spells],
    )


def cases_replay(case_ids: Iterable[int], loader: FactLoader | None = None) -> set[dt.date]:
    """Replace the facts and spells of these cases; returns every local date they touched."""
    ids = sorted(set(case_ids))
    loader = loader or FactLoader()
    dates: set[dt.date] = set()
    for start in range(0, len(ids), BATCH_CASES):
        batch = ids[start : start + BATCH_CASES]
        dates |= _stored_dates(batch)
        IndicatorFact.objects.filter(case_id__in=batch).delete()
        BacklogSpell.objects.filter(case_id__in=batch).delete()
        found = loader.facts_for(ids=batch)
        dates |= _new_dates(found)
        _write(found)
    return dates


def date_ranges(dates: Iterable[dt.date], span: int = 31) -> list[tuple[dt.date, dt.date]]:
    """Consecutive dates merged into inclusive ranges of at most ``span`` days."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(dates)):
        if (
            ranges
            and day - ranges[-1][1] == dt.timedelta(days=1)
            and (day - ranges[-1][0]).days < span
        ):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def rollups_rebuild(dates: Iterable[dt.date]) -> int:
    """Re-aggregate both rollup tables for these local dates from facts and spells."""
    ranges = date_ranges(dates)
    with connection.cursor() as cursor:
        for low, high in ranges:
            params = [low.isoformat(), high.isoformat()]
            DailyRollup.objects.filter(date__gte=low, date__lte=high).delete()
            DailyChannelRollup.objects.filter(date__gte=low, date__lte=high).delete()
            cursor.execute(rollup_full_sql(), params * 4)
            cursor.execute(rollup_channel_sql(), params)
    return sum((high - low).days + 1 for low, high in ranges)


def _state_locked() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def indicators_refresh(now: dt.datetime) -> RefreshReport:
    """Bring facts, spells and rollups up to date with the event log (idempotent)."""
    with transaction.atomic():
        state = _state_locked()
        # A bounded step, so one run stays well inside the task time limit after a bulk load
        # (the next runs catch up; `rebuild_indicators` is faster for millions of events).
        ahead = (
            CaseEvent.objects.filter(id__gt=state.watermark)
            .order_by("id")
            .values_list("id", flat=True)
        )
        step_end = ahead[MAX_EVENTS_PER_REFRESH - 1 : MAX_EVENTS_PER_REFRESH].first()
        newest = step_end or CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
        recent = Q(id__gt=state.watermark)
        if state.refreshed_at is not None:
            recent |= Q(at__gte=state.refreshed_at - LATE_COMMIT_MARGIN)
        events = CaseEvent.objects.filter(recent, id__lte=newest).order_by()
        case_ids = set(events.values_list("case_id", flat=True).distinct())
        dates = cases_replay(case_ids)
        rollups_rebuild(dates)
        state.watermark = newest
        state.refreshed_at = now
        state.save(update_fields=["watermark", "refreshed_at"])
    return RefreshReport(cases=len(case_ids), dates=len(dates), watermark=newest)


def indicators_rebuild(
    now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> RefreshReport:
    """Drop every fact, spell and rollup and compute them again from the event log."""
    with transaction.atomic():
        state = _state_locked()
        newest = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
        for model in (IndicatorFact, BacklogSpell, DailyRollup, DailyChannelRollup):
            model.objects.all().delete()
        bounds = Case.objects.aggregate(low=Min("id"), high=Max("id"))
        loader = FactLoader()
        done = 0
        if bounds["low"] is not None:
            total = Case.objects.count()
            for low in range(bounds["low"], bounds["high"] + 1, BATCH_CASES):
                found = loader.facts_for(id_range=(low, low + BATCH_CASES))
                _write(found)
                done += len(found)
                progress(f"casos {done}/{total}")
        facts = IndicatorFact.objects.aggregate(low=Min("date"), high=Max("date"))
        spells = BacklogSpell.objects.aggregate(
            low=Min("start_date"), high=Max("breach_date"), end=Max("end_date")
        )
        known = [d for d in (*facts.values(), *spells.values()) if d is not None]
        dates = set()
        if known:
            first, last = min(known), max(known)
            dates = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
        progress(f"resúmenes de {len(dates)} días")
        rollups_rebuild(dates)
        state.watermark = newest
        state.refreshed_at = now
        state.rebuilt_at = now
        state.save(update_fields=["watermark", "refreshed_at", "rebuilt_at"])
    return RefreshReport(cases=done, dates=len(dates), watermark=newest)
