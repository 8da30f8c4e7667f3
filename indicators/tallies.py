"""Facts and spells as tallies, in Python: the live correction for events the rollups have not
read yet, and the oracle the property test compares rollups with. Mirrors `rollup_sql`."""

from __future__ import annotations

import datetime as dt
from typing import cast

from .facts import FIRST_RESPONSE, RECEIVED, REOPEN, RESOLUTION, SURVEY, Dims, Fact, Spell
from .metrics import HISTOGRAM_FIELDS, Tally, bucket_of
from .models import BacklogSpell, IndicatorFact


def fact_tally(fact: Fact) -> Tally:
    tally = Tally()
    if fact.metric == RECEIVED:
        tally.bump("received")
        if fact.dims.kind == "complaint":
            tally.bump("received_complaints")
    elif fact.metric == RESOLUTION:
        tally.bump("resolutions")
        tally.bump("resolved_within_sla", int(bool(fact.within_sla)))
        tally.bump("fcr", int(fact.fcr))
        ms = fact.resolution_ms or 0
        tally.bump("resolution_ms", ms)
        tally.bump(HISTOGRAM_FIELDS[bucket_of(ms / 3_600_000)])
    elif fact.metric == FIRST_RESPONSE:
        tally.bump("first_responses")
        tally.bump("first_responses_within_sla", int(bool(fact.within_sla)))
    elif fact.metric == REOPEN:
        tally.bump("reopens")
    elif fact.metric == SURVEY:
        tally.bump("survey_responses")
    if fact.csat is not None:
        tally.bump("csat_count")
        tally.bump("csat_sum", fact.csat)
        tally.bump("csat_positive", int(fact.csat >= 4))
    if fact.nps is not None:
        tally.bump("nps_count")
        tally.bump("nps_promoters", int(fact.nps >= 9))
        tally.bump("nps_detractors", int(fact.nps <= 6))
    return tally


def _dims(row: IndicatorFact | BacklogSpell) -> Dims:
    channel, service = cast(int, row.channel_id), cast(int, row.service_id)
    return Dims(channel, row.directorate_id, row.area_id, row.office_id, service, row.kind)


def stored_facts(case_ids: list[int]) -> list[Fact]:
    """The facts the rollups currently hold for these cases."""
    return [
        Fact(
            r.case_id, r.metric, r.at, _dims(r), r.within_sla, r.fcr, r.resolution_ms, r.csat, r.nps
        )
        for r in IndicatorFact.objects.filter(case_id__in=case_ids)
    ]


def stored_spells(case_ids: list[int]) -> list[Spell]:
    return [
        Spell(r.case_id, r.start_at, r.end_at, _dims(r), r.due_at)
        for r in BacklogSpell.objects.filter(case_id__in=case_ids)
    ]


def backlog_of(spells: list[Spell], moment: dt.datetime) -> tuple[int, int]:
    """(open, open and past due) among ``spells`` at ``moment``."""
    open_ = [s for s in spells if s.open_at(moment)]
    return len(open_), sum(1 for s in open_ if s.due_at < moment)
