"""Daily anchors (ADR 0013): sealed in order and chained, recomputed by verify_history, exported
for the Órgano Interno de Control."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cases.anchors import AnchorBreak, anchors_seal, anchors_verify, day_seal
from cases.events import Actor, event_hash
from cases.models import CaseEvent, HistoryAnchor
from cases.tasks import seal_history_anchors
from infonavit_atencion.core import hashchain
from tests.support.cases import make_case
from tests.support.history import raw

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
DAY_1 = dt.datetime(2026, 11, 16, 10, 0, tzinfo=MX)
DAY_2 = DAY_1 + dt.timedelta(days=1)
SEALED_AT = dt.datetime(2026, 11, 19, 0, 30, tzinfo=MX)


@pytest.fixture
def history(agent):
    first = make_case(Actor(user=agent), now=DAY_1, received_at=DAY_1)
    second = make_case(Actor(user=agent), now=DAY_2, received_at=DAY_2)
    return first, second


def test_every_day_up_to_yesterday_is_sealed_once_and_chained(history):
    sealed = anchors_seal(SEALED_AT)

    assert [a.day for a in sealed] == [
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 18),
    ]
    assert [(a.heads, a.events, a.accesses) for a in sealed] == [(1, 2, 0), (1, 2, 0), (0, 0, 0)]
    prev = hashchain.GENESIS
    for anchor in sealed:
        assert anchor.prev_hash == prev
        prev = anchor.anchor_hash
    first_case = history[0]
    head = CaseEvent.objects.filter(case=first_case).order_by("-at", "-id").first()
    assert sealed[0].digest == hashchain.heads_digest([(f"case:{first_case.pk}", head.chain_hash)])
    # A second run the same day seals nothing.
    assert anchors_seal(SEALED_AT + dt.timedelta(hours=3)) == []
    assert HistoryAnchor.objects.count() == 3


def test_the_daily_task_seals_through_yesterday(history, monkeypatch):
    monkeypatch.setattr("cases.tasks.timezone.now", lambda: SEALED_AT)

    assert seal_history_anchors() == 3
    assert seal_history_anchors() == 0


def test_a_backdated_row_written_after_sealing_does_not_change_a_sealed_day(history, agent):
    anchors_seal(SEALED_AT)
    make_case(
        Actor(user=agent),
        now=DAY_1 + dt.timedelta(hours=2),
        received_at=DAY_1 + dt.timedelta(hours=2),
    )

    assert anchors_verify() == (3, None)


def test_a_history_rewritten_with_consistent_hashes_fails_against_its_anchor(history):
    anchors_seal(SEALED_AT)
    # A forger who rewrites an event and every hash after it: the chains verify again...
    case = history[0]
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    raw("UPDATE cases_caseevent SET data = %s WHERE id = %s", ['{"channel": "OTRO"}', events[0].pk])
    head = hashchain.GENESIS
    for event in CaseEvent.objects.filter(case=case).order_by("at", "id"):
        head = event_hash(event, head)
        raw("UPDATE cases_caseevent SET chain_hash = %s WHERE id = %s", [head, event.pk])

    # ...but the day's anchor sealed the old head.
    with pytest.raises(CommandError) as refused:
        call_command("verify_history", stdout=StringIO(), stderr=StringIO())

    assert str(refused.value) == "Ancla del 2026-11-16 alterada (las cabezas que selló)."


def test_a_rewritten_anchor_breaks_the_anchor_chain(history):
    anchors_seal(SEALED_AT)
    raw("UPDATE cases_historyanchor SET events = 5 WHERE day = %s", [dt.date(2026, 11, 17)])

    assert anchors_verify() == (1, AnchorBreak(dt.date(2026, 11, 17), "link"))
    with pytest.raises(CommandError, match=r"^Ancla del 2026-11-17 alterada \(su enlace\)\.$"):
        call_command("verify_history", stdout=StringIO(), stderr=StringIO())


def test_export_writes_every_anchor_as_json_and_csv(history, tmp_path):
    sealed = anchors_seal(SEALED_AT)
    out = StringIO()
    call_command("export_anchors", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["day"] for r in rows] == ["2026-11-16", "2026-11-17", "2026-11-18"]
    assert rows[0] == {
        "day": "2026-11-16",
        "digest": sealed[0].digest,
        "heads": 1,
        "events": 2,
        "accesses": 0,
        "last_event_id": sealed[0].last_event_id,
        "last_access_id": sealed[0].last_access_id,
        "prev_hash": "",
        "anchor_hash": sealed[0].anchor_hash,
        "sealed_at": "2026-11-19T06:30:00+00:00",
    }

    target = tmp_path / "anclas.csv"
    call_command(
        "export_anchors", "--format", "csv", "--since", "2026-11-17", "--output", str(target)
    )
    table = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["day"], r["prev_hash"], r["anchor_hash"]) for r in table] == [
        ("2026-11-17", sealed[0].anchor_hash, sealed[1].anchor_hash),
        ("2026-11-18", sealed[1].anchor_hash, sealed[2].anchor_hash),
    ]


def test_day_seal_counts_only_rows_up_to_the_given_ids(history):
    first_ids = sorted(CaseEvent.objects.filter(case=history[0]).values_list("id", flat=True))
    assert day_seal(dt.date(2026, 11, 16), first_ids[0], 0).events == 1
