"""Rollups answer what a direct computation over the cases' histories answers (SPEC §7).

Random histories are played through the real services at controlled instants, interleaved
across cases, with a refresh somewhere in the middle. While playing, the test records what each
service left on the case (status, dimensions, due instants, paused open time) — the oracle
below counts from those observations and the pure SLA clock, not from the engine's replay.
Then, for a random date range and grouping, the live answer (rollups + correction for the
events after the refresh) and the answer after a second refresh must both equal the oracle's,
percentiles within one histogram bucket.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from businesstime import clock
from cases.events import Actor
from cases.models import Case
from channels.selectors import calendar_spec_for
from indicators.metrics import METRICS, bucket_of, day_end, exact_percentile, local_date, ratio
from indicators.selectors import indicators_compute
from indicators.services import indicators_refresh
from infonavit_atencion.core.errors import ApplicationError

from .support import MX, act, new_case, respond, survey

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 17, 8, 0, tzinfo=MX)  # Tuesday (Monday 16 is a holiday)
NOW = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)
OPEN = {"new", "assigned", "in_progress", "waiting"}
# (service, channel, office, resolved at intake)
KINDS = [
    ("QUEJA_CANALES_DIGITALES", "MICUENTA", None, False),
    ("PRECALIFICACION", "MICUENTA", None, True),
    ("PRECALIFICACION", "CESI", "CESI_CDMX_BENITO_JUAREZ", False),
    ("CORRECCION_DATOS", "MICUENTA", None, False),  # 20 business days, extendable by 10
]
# Reclassification targets (picked by the step's nps parity): a term without an extension
# (a granted one is dropped) and one with it (kept).
RECLASSIFY_TO = ("ASESORIA_PRODUCTO_CREDITO", "REESTRUCTURA")
# Weighted towards the moves a case usually makes, so that most steps are allowed.
ACTIONS = (
    ["take"] * 3
    + ["pause", "resume"] * 2
    + ["resolve"] * 3
    + ["reopen"] * 2
    + ["transfer", "cancel", "close", "comment", "comment", "survey", "reclassify", "extend"]
)


@dataclass
class Seen:
    """What the services left on the case right after one action."""

    at: dt.datetime
    status: str
    dims: tuple
    resolution_due_at: dt.datetime
    first_response_due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    paused_open_seconds: int
    transfer_count: int


@dataclass
class Story:
    case_id: int
    received_at: dt.datetime
    creator: str
    calendar_id: int
    seen: list[Seen] = field(default_factory=list)
    resolutions: list[tuple[Seen, str]] = field(default_factory=list)
    reopens: list[Seen] = field(default_factory=list)
    surveys: list[tuple[Seen, int, int]] = field(default_factory=list)


def _observe(story: Story, at: dt.datetime) -> Seen:
    c = Case.objects.get(pk=story.case_id)
    seen = Seen(
        at,
        c.status,
        (c.channel_id, c.directorate_id, c.area_id, c.office_id, c.service_id, c.kind),
        c.resolution_due_at,
        c.first_response_due_at,
        c.first_response_at,
        c.paused_open_seconds,
        c.transfer_count,
    )
    story.seen.append(seen)
    return seen


step = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(0, 400),
    st.booleans(),
    st.integers(1, 5),
    st.integers(0, 10),
)
case_script = st.tuples(
    st.integers(0, 3 * 1440), st.sampled_from(range(len(KINDS))), st.lists(step, max_size=8)
)


def _play(scripts, refresh_at: int, desk: Actor, staff: Actor) -> list[Story]:  # type: ignore[no-untyped-def]
    stories: list[Story] = []
    timeline = []
    for n, (offset, _kind, steps) in enumerate(scripts):
        at = START + dt.timedelta(minutes=offset)
        timeline.append((at, n, -1, None))
        for i, s in enumerate(steps):
            at += dt.timedelta(minutes=s[1])
            timeline.append((at, n, i, s))
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))
    cases: dict[int, Case] = {}
    for index, (at, n, _i, s) in enumerate(timeline):
        if index == refresh_at:
            indicators_refresh(at)
        if s is None:
            service, channel, office, at_intake = KINDS[scripts[n][1]]
            case = new_case(
                desk,
                at,
                service=service,
                channel=channel,
                office=office,
                resolution="Resuelto en ventanilla." if at_intake else "",
            )
            cases[n] = case
            story = Story(case.pk, case.received_at, "desk", case.sla_calendar_id)
            stories.append(story)
            seen = _observe(story, at)
            if at_intake:
                story.resolutions.append((seen, "desk"))
            continue
        action, _gap, by_desk, csat, nps = s
        story = next(st_ for st_ in stories if st_.case_id == cases[n].pk)
        actor, who = (desk, "desk") if by_desk else (staff, "staff")
        try:
            if action == "comment":
                respond(cases[n], actor, at)
            elif action == "survey":
                survey(cases[n], at, csat, nps)
            elif action == "transfer":
                act(cases[n], action, actor, at, area="CARTERA_CANCELACION")
            elif action == "reclassify":
                act(cases[n], action, actor, at, service=RECLASSIFY_TO[nps % 2])
            else:
                act(cases[n], action, actor, at)
        except ApplicationError:
            continue
        seen = _observe(story, at)
        if action == "resolve":
            story.resolutions.append((seen, who))
        elif action == "reopen":
            story.reopens.append(seen)
        elif action == "survey":
            story.surveys.append((seen, csat, nps))
    return stories


def _oracle(
    stories: list[Story],
    date_from: dt.date,
    date_to: dt.date,
    group_by: list[str],
    now: dt.datetime,
) -> dict:
    index = {"channel": 0, "directorate": 1, "area": 2, "office": 3, "service": 4, "kind": 5}
    acc: dict = defaultdict(lambda: defaultdict(list))

    def put(dims: tuple, day: dt.date, name: str, value: object) -> None:
        if date_from <= day <= date_to:
            acc[tuple(day if g == "day" else dims[index[g]] for g in group_by)][name].append(value)

    for s in stories:
        first = s.seen[0]
        placed = next((x for x in s.seen if x.dims[1] is not None), first)
        put(
            (*first.dims[:1], *placed.dims[1:3], *first.dims[3:]),
            local_date(s.received_at),
            "received",
            first.dims[5],
        )
        spec = calendar_spec_for(s.calendar_id)
        for seen, who in s.resolutions:
            ms = clock.open_time_between(spec, s.received_at, seen.at) // dt.timedelta(
                milliseconds=1
            )
            fcr = (
                who == s.creator
                and local_date(seen.at) == local_date(s.received_at)
                and seen.transfer_count == 0
            )
            put(
                seen.dims,
                local_date(seen.at),
                "resolution",
                (
                    seen.at <= seen.resolution_due_at,
                    max(ms - seen.paused_open_seconds * 1000, 0),
                    fcr,
                ),
            )
        responded = next((x for x in s.seen if x.first_response_at is not None), None)
        if responded is not None:
            due = responded.first_response_due_at
            put(
                responded.dims,
                local_date(responded.at),
                "first_response",
                due is None or responded.at <= due,
            )
        for seen in s.reopens:
            put(seen.dims, local_date(seen.at), "reopen", 1)
        for seen, csat, nps in s.surveys:
            put(seen.dims, local_date(seen.at), "survey", (csat, nps))
        if "day" in group_by:
            days = [date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
        else:
            days = [date_to]
        # Backlog at the end of each day, or now for today; none for days still to come.
        today = local_date(now)
        for day in (
            d for d in days if date_from <= today and ("day" not in group_by or d <= today)
        ):
            moment = min(day_end(day), now)
            state = [x for x in s.seen if x.at < moment]
            if state and state[-1].status in OPEN:
                put(state[-1].dims, day, "backlog", state[-1].resolution_due_at < moment)
    rows = {}
    for key, found in acc.items():
        res = found["resolution"]
        hours = [ms / 3_600_000 for _w, ms, _f in res]
        surveys = found["survey"]
        avg = None
        if res:
            avg = float(
                (Decimal(sum(ms for _w, ms, _f in res)) / Decimal(3_600_000) / len(res)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
            )
        csat_avg = None
        if surveys:
            csat_avg = float(
                (Decimal(sum(c for c, _n in surveys)) / len(surveys)).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
            )
        row = {
            "received": len(found["received"]),
            "complaints_per_1000": ratio(
                sum(k == "complaint" for k in found["received"]), len(found["received"]), 1000
            ),
            "resolutions": len(res),
            "resolved_within_sla": sum(w for w, _m, _f in res),
            "sla_compliance_pct": ratio(sum(w for w, _m, _f in res), len(res)),
            "first_responses": len(found["first_response"]),
            "first_responses_within_sla": sum(found["first_response"]),
            "first_response_compliance_pct": ratio(
                sum(found["first_response"]), len(found["first_response"])
            ),
            "resolution_hours_avg": avg,
            "resolution_hours_p50": exact_percentile(hours, 50),
            "resolution_hours_p90": exact_percentile(hours, 90),
            "fcr_pct": ratio(sum(f for _w, _m, f in res), len(res)),
            "reopen_pct": ratio(len(found["reopen"]), len(res)),
            "backlog": len(found["backlog"]),
            "backlog_breached": sum(found["backlog"]),
            "survey_responses": len(surveys),
            "csat_pct": ratio(sum(c >= 4 for c, _n in surveys), len(surveys)),
            "csat_avg": csat_avg,
            "nps": ratio(
                sum(n >= 9 for _c, n in surveys) - sum(n <= 6 for _c, n in surveys), len(surveys)
            ),
        }
        if (
            any(
                row[m]
                for m in (
                    "received",
                    "resolutions",
                    "first_responses",
                    "backlog",
                    "survey_responses",
                )
            )
            or found["reopen"]
        ):
            rows[key] = row
    return rows


def _compare(rows: list[dict], expected: dict, group_by: list[str]) -> None:
    from indicators.dimensions import CODED

    codes = {name: dict(model.objects.values_list("pk", "code")) for name, model in CODED.items()}
    wanted = {}
    for key, row in expected.items():
        shown = tuple(
            v.isoformat() if g == "day" else v if g == "kind" else codes[g].get(v)
            for g, v in zip(group_by, key, strict=True)
        )
        wanted[shown] = row
    got = {tuple(r[g] for g in group_by): r for r in rows}
    assert set(got) == set(wanted)
    for key, row in wanted.items():
        for metric in METRICS:
            if (
                metric in ("resolution_hours_p50", "resolution_hours_p90")
                and row[metric] is not None
            ):
                assert bucket_of(got[key][metric]) == bucket_of(row[metric]), (
                    key,
                    metric,
                    got[key][metric],
                    row[metric],
                )
            else:
                assert got[key][metric] == row[metric], (key, metric, got[key][metric], row[metric])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scripts=st.lists(case_script, min_size=1, max_size=6),
    refresh_at=st.integers(0, 60),
    live=st.booleans(),
    first_day=st.integers(0, 4),
    days=st.integers(0, 6),
    group_by=st.lists(
        st.sampled_from(["channel", "directorate", "area", "office", "service", "kind", "day"]),
        unique=True,
        max_size=3,
    ),
)
# A first-contact look-alike that was transferred (not first contact); a resolution before the
# last pause ended (its due is the one before that pause); a reclassification after a pause.
@example(
    scripts=[
        (
            0,
            0,
            [("transfer", 10, True, 1, 0), ("take", 10, True, 1, 0), ("resolve", 10, True, 1, 0)],
        )
    ],
    refresh_at=0,
    live=False,
    first_day=0,
    days=0,
    group_by=["area"],
)
@example(
    scripts=[
        (
            60,
            2,
            [
                ("take", 0, False, 1, 0),
                ("pause", 10, False, 1, 0),
                ("resume", 60, False, 1, 0),
                ("resolve", 10, False, 1, 0),
                ("reopen", 10, False, 1, 0),
                ("pause", 10, False, 1, 0),
                ("resume", 30, False, 1, 0),
                ("resolve", 10, False, 1, 0),
            ],
        )
    ],
    refresh_at=5,
    live=False,
    first_day=0,
    days=1,
    group_by=["day"],
)
@example(
    scripts=[
        (
            90,
            0,
            [
                ("take", 0, False, 1, 0),
                ("pause", 10, False, 1, 0),
                ("resume", 120, False, 1, 0),
                ("reclassify", 10, False, 1, 0),
                ("comment", 10, False, 1, 0),
                ("resolve", 600, False, 1, 0),
            ],
        )
    ],
    refresh_at=3,
    live=False,
    first_day=0,
    days=0,
    group_by=["kind", "service"],
)
# An extended term, a wait after it, a reclassification that keeps the extension, another
# that drops it, resolved in between.
@example(
    scripts=[
        (
            30,
            3,
            [
                ("take", 0, False, 1, 0),
                ("extend", 10, False, 1, 0),
                ("pause", 10, False, 1, 0),
                ("resume", 200, False, 1, 0),
                ("reclassify", 10, False, 1, 1),
                ("resolve", 10, False, 1, 0),
                ("reopen", 10, False, 1, 0),
                ("reclassify", 10, False, 1, 0),
            ],
        )
    ],
    refresh_at=4,
    live=False,
    first_day=0,
    days=2,
    group_by=["service"],
)
def test_rollups_equal_a_direct_computation(
    agent, area_staff, scripts, refresh_at, live, first_day, days, group_by
):
    with transaction.atomic():
        stories = _play(scripts, refresh_at, Actor(user=agent), Actor(user=area_staff))
        date_from = START.date() + dt.timedelta(days=first_day)
        date_to = date_from + dt.timedelta(days=days)
        # live: "now" is just after the last event, so the range may end today (backlog at now).
        last = max(seen.at for story in stories for seen in story.seen)
        now = last + dt.timedelta(minutes=1) if live else NOW
        expected = _oracle(stories, date_from, date_to, group_by, now)

        # Rollups as of the refresh in the middle, corrected for the events after it.
        _compare(indicators_compute(date_from, date_to, group_by, now=now).rows, expected, group_by)
        indicators_refresh(now)
        _compare(indicators_compute(date_from, date_to, group_by, now=now).rows, expected, group_by)

        transaction.set_rollback(True)
