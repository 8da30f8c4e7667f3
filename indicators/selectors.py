"""Reads of the indicators (SPEC §7) for the API, the dashboard and the exports.

Public functions (``now`` is the current instant, read once by the caller):

    indicator_filters(*, channel=(), directorate=(), area=(), office=(), service=(), kind=())
        -> IndicatorFilters
        Codes (sequences of str) to ids; unknown codes raise ValidationFailed (400).
    indicator_scope_for(actor: Actor) -> IndicatorFilters | None
        What a person may see, as filters (agent: own office; area staff: own area;
        supervisor: office / delegación with its Cesi / directorate / national; admin and API
        clients with indicators:read: everything). None: nothing at all.
    indicators_compute(date_from: date, date_to: date, group_by: Sequence[str] = (),
                       filters: IndicatorFilters = IndicatorFilters(), *, now: datetime,
                       pending: Pending | None = None)
        -> IndicatorTable(date_from, date_to, group_by, rows: list[dict])
        Every metric for the inclusive local-date range, one row per group: the group keys
        as codes ("day" as YYYY-MM-DD, None where the case had none), then every name of
        indicators.metrics.METRICS (ints for counts, two-decimal floats or None otherwise).
        Raises ValidationFailed for an unknown group or a range that ends before it starts.
        Filters and scope combine with IndicatorFilters.merged (intersection).
        ``pending``: the live correction to apply instead of the full one (the board's bounded
        one, `indicators.freshness.board_correction`); the API never passes it (exact).
    indicator_cases(metric: str, date_from: date, date_to: date, keys: Mapping[str, str | None],
                    filters: IndicatorFilters = IndicatorFilters(), *, now: datetime)
        -> QuerySet[Case]
        The cases behind one number of a row (keys: the row's group keys as codes; pass the
        same range and filters, scope included, as the number). Distinct cases: a case resolved
        twice in the range is listed once. Rates list their numerator's cases; averages,
        percentiles, CSAT and NPS the cases they are computed over (FACTS_BEHIND). Intersect
        with cases.selectors.access.cases_visible_to(actor) before showing it.
    targets_evaluated(*, now: datetime, channel: str | None = None, directorate: str | None = None,
                      metric: str | None = None, include_inactive: bool = False)
        -> list[TargetResult(target, actual: float | None, status, evaluated_to: date)]
        status: "met", "at_risk" or "missed" (indicators.targets).
    target_evaluate(target: Target, now: datetime) -> TargetResult
        One target, evaluated over its period up to today (or its end, if past).

The numbers come from the daily rollups plus a live correction for the cases whose events the
rollups have not read yet (the current day is therefore always exact), and backlog from the
spells at the end of the range. See ADR 0009.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Case
from infonavit_atencion.core.errors import FieldError, ValidationFailed

from .dimensions import (
    DIMENSION_FIELDS,
    IndicatorFilters,
    code_maps,
    indicator_filters,
    indicator_scope_for,
)
from .engine import Pending, backlogs, dims_key, local_today, pending_load, rollup_tallies
from .facts import Dims, Fact
from .metrics import (
    GROUP_DIMENSIONS,
    METRICS,
    Tally,
    day_end,
    local_date,
    metrics_from,
)
from .models import BacklogSpell, IndicatorFact, Target
from .tallies import fact_tally
from .targets import TargetResult, target_status

__all__ = [
    "IndicatorFilters",
    "IndicatorTable",
    "Pending",
    "indicator_cases",
    "indicator_filters",
    "indicator_scope_for",
    "indicators_compute",
    "target_evaluate",
    "targets_evaluated",
]


# Which facts (and flags) stand behind each metric, for the drill-down: a rate links to the
# cases of its numerator (complaints, within SLA, first contact, reopens); averages,
# percentiles, CSAT and NPS to the cases they are computed over.
FACTS_BEHIND: dict[str, tuple[str, dict]] = {
    "received": ("received", {}),
    "complaints_per_1000": ("received", {"kind": "complaint"}),
    "resolutions": ("resolution", {}),
    "resolved_within_sla": ("resolution", {"within_sla": True}),
    "sla_compliance_pct": ("resolution", {"within_sla": True}),
    "first_responses": ("first_response", {}),
    "first_responses_within_sla": ("first_response", {"within_sla": True}),
    "first_response_compliance_pct": ("first_response", {"within_sla": True}),
    "resolution_hours_avg": ("resolution", {}),
    "resolution_hours_p50": ("resolution", {}),
    "resolution_hours_p90": ("resolution", {}),
    "fcr_pct": ("resolution", {"fcr": True}),
    "reopen_pct": ("reopen", {}),
    "survey_responses": ("survey", {}),
    "csat_pct": ("survey", {}),
    "csat_avg": ("survey", {}),
    "nps": ("survey", {}),
}


@dataclass
class IndicatorTable:
    date_from: dt.date
    date_to: dt.date
    group_by: list[str]
    rows: list[dict] = field(default_factory=list)


def _check(date_from: dt.date, date_to: dt.date, group_by: Sequence[str]) -> None:
    errors = [
        FieldError(
            "group_by",
            "invalid_choice",
            _("Agrupación desconocida «%(name)s»; use %(names)s.")
            % {"name": name, "names": ", ".join(GROUP_DIMENSIONS)},
        )
        for name in group_by
        if name not in GROUP_DIMENSIONS
    ]
    if len(set(group_by)) != len(group_by):
        errors.append(FieldError("group_by", "duplicate", _("Una agrupación aparece dos veces.")))
    if date_to < date_from:
        errors.append(
            FieldError("to", "before_from", _("La fecha final es anterior a la inicial."))
        )
    if errors:
        raise ValidationFailed(_("Revise los parámetros de la consulta."), errors=errors)


@contextmanager
def _snapshot() -> Iterator[None]:
    """Rollups, spells, watermark and stored facts read from one snapshot (PostgreSQL), so a
    refresh committing meanwhile cannot make the live correction count a case twice or never."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def indicators_compute(
    date_from: dt.date,
    date_to: dt.date,
    group_by: Sequence[str] = (),
    filters: IndicatorFilters | None = None,
    *,
    now: dt.datetime,
    pending: Pending | None = None,
) -> IndicatorTable:
    group_by = list(group_by)
    _check(date_from, date_to, group_by)
    filters = filters or IndicatorFilters()
    with _snapshot():
        tallies = rollup_tallies(date_from, date_to, group_by, filters)
        if pending is None:
            pending = pending_load()
        open_cases = backlogs(date_from, date_to, group_by, filters, pending, now)
    for sign, facts in ((-1, pending.old_facts), (1, pending.new_facts)):
        for fact in facts:
            if date_from <= fact.date <= date_to and filters.admits(fact.dims):
                tallies.setdefault(dims_key(fact.dims, fact.date, group_by), Tally()).add(
                    fact_tally(fact), sign
                )
    codes = code_maps()
    table = IndicatorTable(date_from, date_to, group_by)
    for key in set(tallies) | set(open_cases):
        tally = tallies.get(key, Tally())
        backlog, breached = open_cases.get(key, (0, 0))
        if tally.is_empty() and not backlog and not breached:
            continue
        row: dict = {}
        for name, value in zip(group_by, key, strict=True):
            row[name] = (
                value.isoformat()
                if name == "day"
                else value
                if name == "kind"
                else codes[name].get(value)
            )
        row.update(metrics_from(tally, backlog, breached))
        table.rows.append(row)
    table.rows.sort(
        key=lambda row: tuple((row[name] is None, row[name] or "") for name in group_by)
    )
    return table


def indicator_cases(
    metric: str,
    date_from: dt.date,
    date_to: dt.date,
    keys: Mapping[str, str | None],
    filters: IndicatorFilters | None = None,
    *,
    now: dt.datetime,
) -> QuerySet[Case]:
    """The cases counted in one number, exactly as ``indicators_compute`` counts them now."""
    if metric not in METRICS:
        raise ValidationFailed.single(
            "metric", "invalid_choice", _("Indicador desconocido «%(m)s».") % {"m": metric}
        )
    _check(date_from, date_to, list(keys))
    filters = (filters or IndicatorFilters()).merged(
        indicator_filters(
            **{
                name: [value]
                for name, value in keys.items()
                if name not in ("day", "kind") and value is not None
            }
        )
    )
    if keys.get("kind"):
        filters = filters.merged(IndicatorFilters(kind=frozenset({str(keys["kind"])})))
    nulls = {
        f"{DIMENSION_FIELDS[name]}__isnull": True
        for name, value in keys.items()
        if value is None and name != "day"
    }
    if keys.get("day"):
        date_from = date_to = dt.date.fromisoformat(str(keys["day"]))
    absent = {name for name, value in keys.items() if value is None and name != "day"}
    # Every fact behind a number belongs to a case received before the range ends (receipt
    # comes before any resolution, answer or survey, and a backlog spell starts after it):
    # bounding by it spares the newest-first page every case received since (docs/scaling.md).
    received_before = day_end(date_to)
    with _snapshot():
        pending = pending_load()
        if metric in ("backlog", "backlog_breached"):
            moment = now if date_to >= local_today(now) else day_end(date_to)
            received_before = moment
            spells = BacklogSpell.objects.filter(
                Q(end_at__isnull=True) | Q(end_at__gte=moment), start_at__lt=moment, **nulls
            )
            if metric == "backlog_breached":
                spells = spells.filter(due_at__lt=moment)
            stored = filters.apply(spells).values("case_id")
            live = {
                s.case_id
                for s in pending.new_spells
                if s.open_at(moment)
                and (metric == "backlog" or s.due_at < moment)
                and _admitted(s.dims, filters, absent)
            }
        else:
            kind, flags = FACTS_BEHIND[metric]
            facts = IndicatorFact.objects.filter(
                metric=kind, date__gte=date_from, date__lte=date_to, **flags, **nulls
            )
            stored = filters.apply(facts).values("case_id")
            live = {
                f.case_id
                for f in pending.new_facts
                if f.metric == kind
                and date_from <= f.date <= date_to
                and all(_flag(f, name) == value for name, value in flags.items())
                and _admitted(f.dims, filters, absent)
            }
    cases = Case.objects.filter(received_at__lt=received_before)
    if not pending.case_ids:
        return cases.filter(pk__in=stored)
    # Cases with events the rollups have not read yet count as they stand now.
    return cases.filter(
        (Q(pk__in=stored) & ~Q(pk__in=sorted(pending.case_ids))) | Q(pk__in=sorted(live))
    )


def _flag(fact: Fact, name: str) -> object:
    return fact.dims.kind if name == "kind" else getattr(fact, name)


def _admitted(dims: Dims, filters: IndicatorFilters, absent: set[str]) -> bool:
    return filters.admits(dims) and all(getattr(dims, DIMENSION_FIELDS[n]) is None for n in absent)


def target_evaluate(target: Target, now: dt.datetime) -> TargetResult:
    today = local_date(now)
    until = min(target.date_to, today)
    actual = None
    if target.date_from <= until:
        filters = IndicatorFilters(
            channel=frozenset({target.channel_id}) if target.channel_id else None,
            directorate=frozenset({target.directorate_id}) if target.directorate_id else None,
        )
        rows = indicators_compute(target.date_from, until, (), filters, now=now).rows
        actual = rows[0][target.metric] if rows else None
    status = target_status(
        actual, target.value, target.direction, period_ended=target.date_to < today
    )
    return TargetResult(target, actual, status, until)


def targets_evaluated(
    *,
    now: dt.datetime,
    channel: str | None = None,
    directorate: str | None = None,
    metric: str | None = None,
    include_inactive: bool = False,
) -> list[TargetResult]:
    """Every (active) target, optionally of one channel, directorate or metric, evaluated."""
    targets = Target.objects.select_related("channel", "directorate").order_by(
        "-date_from", "metric", "id"
    )
    if not include_inactive:
        targets = targets.filter(active=True)
    if channel:
        targets = targets.filter(channel__code=channel)
    if directorate:
        targets = targets.filter(directorate__code=directorate)
    if metric:
        targets = targets.filter(metric=metric)
    return [target_evaluate(target, now) for target in targets]
