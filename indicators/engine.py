"""How indicator queries are answered: rollup sums, the live correction, backlog (ADR 0009).

Internal to `indicators.selectors`, which validates and assembles; see its docstring.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Aggregate, Count, Q, Sum

from cases.models import CaseEvent

from .dimensions import DIMENSION_FIELDS, IndicatorFilters
from .facts import Dims, Fact, Spell
from .loading import facts_for_cases
from .metrics import TALLY_FIELDS, Tally, day_end, local_date
from .models import BacklogSpell, DailyChannelRollup, DailyRollup, RollupState
from .tallies import stored_facts, stored_spells

CHANNEL_LEVEL = frozenset({"channel", "directorate"})
SUMMED = [name for name in TALLY_FIELDS if name not in ("backlog_delta", "breached_delta")]
Key = tuple


def local_today(now: dt.datetime) -> dt.date:
    return local_date(now)


def key_of(values: Mapping, fields: Sequence[str]) -> Key:
    return tuple(values[f] for f in fields)


def dims_key(dims: Dims, day: dt.date | None, group_by: Sequence[str]) -> Key:
    return tuple(
        day if name == "day" else getattr(dims, DIMENSION_FIELDS[name]) for name in group_by
    )


def with_day(key: Key, group_by: Sequence[str], day: dt.date) -> Key:
    """A key computed without the day, with the day put in its place."""
    rest = iter(key)
    return tuple(day if name == "day" else next(rest) for name in group_by)


def rollup_model(
    group_by: Sequence[str], filters: IndicatorFilters
) -> type[DailyRollup] | type[DailyChannelRollup]:
    needed = (set(group_by) - {"day"}) | filters.dimensions()
    return DailyChannelRollup if needed <= CHANNEL_LEVEL else DailyRollup


def rollup_tallies(
    date_from: dt.date, date_to: dt.date, group_by: Sequence[str], filters: IndicatorFilters
) -> dict[Key, Tally]:
    model = rollup_model(group_by, filters)
    rows = filters.apply(model.objects.filter(date__gte=date_from, date__lte=date_to))
    sums = {name: Sum(name) for name in SUMMED}
    fields = [DIMENSION_FIELDS[name] for name in group_by]
    if not fields:
        found = rows.aggregate(**sums)
        grouped = [found] if found["received"] is not None else []
    else:
        grouped = list(rows.order_by().values(*fields).annotate(**sums))
    tallies: dict[Key, Tally] = {}
    for row in grouped:
        tally = Tally()
        for name in SUMMED:
            tally.bump(name, int(row[name] or 0))
        tallies[key_of(row, fields)] = tally
    return tallies


@dataclass
class Pending:
    """Cases with events the rollups have not read: their stored and their current rows."""

    old_facts: list[Fact]
    new_facts: list[Fact]
    old_spells: list[Spell]
    new_spells: list[Spell]
    case_ids: frozenset[int] = frozenset()

    def spells_delta(
        self,
        moment: dt.datetime,
        filters: IndicatorFilters,
        group_by: Sequence[str],
        day: dt.date | None,
    ) -> dict[Key, list[int]]:
        change: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
        for sign, spells in ((-1, self.old_spells), (1, self.new_spells)):
            for spell in spells:
                if filters.admits(spell.dims) and spell.open_at(moment):
                    entry = change[dims_key(spell.dims, day, group_by)]
                    entry[0] += sign
                    entry[1] += sign * (spell.due_at < moment)
        return change


def pending_load() -> Pending:
    state = RollupState.objects.filter(pk=1).first()
    watermark = state.watermark if state else 0
    ids = list(
        CaseEvent.objects.filter(id__gt=watermark)
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )
    if not ids:
        return Pending([], [], [], [])
    found = facts_for_cases(ids)
    return Pending(
        stored_facts(ids),
        [f for c in found.values() for f in c.facts],
        stored_spells(ids),
        [s for c in found.values() for s in c.spells],
        frozenset(ids),
    )


def backlog_point(
    moment: dt.datetime, group_by: Sequence[str], filters: IndicatorFilters, by_deltas: bool
) -> dict[Key, list[int]]:
    """Open and past-due cases at ``moment`` as the rollups and spells hold them (key without day).

    ``by_deltas`` (``moment`` ends a local date; channel-level groups): the sum of every daily
    change up to that date in the small rollup. Otherwise: the spells open at ``moment``.
    """
    fields = [DIMENSION_FIELDS[name] for name in group_by if name != "day"]
    if by_deltas:
        rows = filters.apply(DailyChannelRollup.objects.filter(date__lt=local_date(moment)))
        sums: dict[str, Aggregate] = {"n": Sum("backlog_delta"), "b": Sum("breached_delta")}
    else:
        spells = BacklogSpell.objects.filter(
            Q(end_at__isnull=True) | Q(end_at__gte=moment), start_at__lt=moment
        )
        rows = filters.apply(spells)
        sums = {"n": Count("id"), "b": Count("id", filter=Q(due_at__lt=moment))}
    grouped = (
        list(rows.order_by().values(*fields).annotate(**sums))
        if fields
        else [rows.aggregate(**sums)]
    )
    return {key_of(row, fields): [int(row["n"] or 0), int(row["b"] or 0)] for row in grouped}


def backlogs(
    date_from: dt.date,
    date_to: dt.date,
    group_by: Sequence[str],
    filters: IndicatorFilters,
    pending: Pending,
    now: dt.datetime,
) -> dict[Key, list[int]]:
    today = local_today(now)
    channel_level = rollup_model(group_by, filters) is DailyChannelRollup
    result: dict[Key, list[int]] = defaultdict(lambda: [0, 0])

    def add(point: Mapping[Key, list[int]], day: dt.date | None) -> None:
        for key, (n, b) in point.items():
            full = with_day(key, group_by, day) if day is not None else key
            result[full][0] += n
            result[full][1] += b

    if "day" not in group_by:
        if date_from > today:
            return result
        moment = now if date_to >= today else day_end(date_to)
        add(backlog_point(moment, group_by, filters, channel_level and moment != now), None)
        add(pending.spells_delta(moment, filters, group_by, None), None)
        return result
    last_complete = min(date_to, today - dt.timedelta(days=1))
    if date_from <= last_complete:
        running = backlog_point(
            day_end(date_from - dt.timedelta(days=1)), group_by, filters, channel_level
        )
        model = rollup_model(group_by, filters)
        fields = [DIMENSION_FIELDS[name] for name in group_by if name != "day"]
        deltas: dict[dt.date, list[dict]] = defaultdict(list)
        rows = filters.apply(
            model.objects.filter(date__gte=date_from, date__lte=last_complete)
        ).order_by()
        for row in rows.values("date", *fields).annotate(
            n=Sum("backlog_delta"), b=Sum("breached_delta")
        ):
            deltas[row["date"]].append(row)
        running = defaultdict(lambda: [0, 0], running)
        day = date_from
        while day <= last_complete:
            for row in deltas.get(day, []):
                entry = running[key_of(row, fields)]
                entry[0] += int(row["n"] or 0)
                entry[1] += int(row["b"] or 0)
            add(running, day)
            add(pending.spells_delta(day_end(day), filters, group_by, day), None)
            day += dt.timedelta(days=1)
    if date_from <= today <= date_to:
        add(backlog_point(now, group_by, filters, False), today)
        add(pending.spells_delta(now, filters, group_by, today), None)
    return result
