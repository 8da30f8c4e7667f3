"""Case events form one hash chain per case (ADR 0013); verify_history finds the first broken
link — a changed, deleted, reordered or forged row — and names the case's folio."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from cases.events import SYSTEM, Actor, event_build, event_hash
from cases.integrity import events_verify
from cases.models import Case, CaseEvent, EventKind
from cases.services import TransitionInput, case_transition, comment_add
from cases.sla.monitor import sla_monitor_run
from infonavit_atencion.core import hashchain
from tests.support.cases import make_case
from tests.support.history import raw, settle_deferred_checks, triggers_off

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)


def _timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id"))


def _worked_case(agent, area_staff) -> Case:
    """created, routed (and assigned) at RECEIVED; commented at +5 min; taken at +10 min."""
    case = make_case(Actor(user=agent), now=RECEIVED, received_at=RECEIVED)
    comment_add(
        case.folio,
        "Revisamos su caso.",
        False,
        Actor(user=agent),
        RECEIVED + dt.timedelta(minutes=5),
    )
    case_transition(
        case.folio,
        TransitionInput(action="take"),
        Actor(user=area_staff),
        RECEIVED + dt.timedelta(minutes=10),
    )
    return case


def _broken(case: Case, event_id: int) -> str:
    at = CaseEvent.objects.get(pk=event_id).at.isoformat()
    return f"Cadena rota en el caso {case.folio}: evento {event_id} ({at})."


def _verify() -> str:
    out = StringIO()
    call_command("verify_history", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_each_event_links_to_the_previous_one_of_its_case(agent, area_staff):
    case = _worked_case(agent, area_staff)
    other = make_case(Actor(user=agent), now=RECEIVED, received_at=RECEIVED)

    events = _timeline(case)
    assert [e.kind for e in events] == ["created", "routed", "commented", "status_changed"]
    head = hashchain.GENESIS
    for event in events:
        fields = [getattr(event, name) for name in hashchain.EVENT_FIELDS]
        assert event.chain_hash == hashchain.event_link(head, fields)
        head = event.chain_hash
    # Each case's chain starts on its own.
    first_other = _timeline(other)[0]
    assert first_other.chain_hash == event_hash(first_other, hashchain.GENESIS)


def test_batch_writers_chain_their_events_too(agent, area_staff):
    # SLA monitor batches (warning, breach, escalation in one bulk insert per batch)
    cases = [_worked_case(agent, area_staff) for _ in range(2)]
    sla_monitor_run(RECEIVED + dt.timedelta(days=60))
    assert CaseEvent.objects.filter(kind=EventKind.SLA_BREACHED).count() == 2

    report = events_verify()

    assert report.broken is None
    assert report.checked == CaseEvent.objects.count() == sum(len(_timeline(c)) for c in cases)


def test_verify_history_exits_0_and_reports_counts_when_intact(agent, area_staff):
    _worked_case(agent, area_staff)

    out = _verify()

    assert "eventos de casos: 4 revisados" in out
    assert "bitácora de datos personales: 0 revisados" in out
    assert out.rstrip().endswith("Historial íntegro.")


def test_a_changed_event_is_named_with_its_folio(agent, area_staff):
    _worked_case(agent, area_staff)
    case = _worked_case(agent, area_staff)
    commented = _timeline(case)[2]
    raw("UPDATE cases_caseevent SET data = %s WHERE id = %s", ['{"comment": 999}', commented.pk])

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(case, commented.pk)
    assert refused.value.returncode == 1


def test_a_deleted_event_breaks_the_link_of_the_next_one(agent, area_staff):
    case = _worked_case(agent, area_staff)
    _, _, commented, taken = _timeline(case)
    raw("DELETE FROM cases_caseevent WHERE id = %s", [commented.pk])

    with pytest.raises(CommandError, match="Cadena rota") as refused:
        _verify()

    assert str(refused.value) == _broken(case, taken.pk)


def test_reordered_events_are_found(agent, area_staff):
    case = _worked_case(agent, area_staff)
    _, _, commented, taken = _timeline(case)
    # Swap the instants of the comment and the take.
    raw("UPDATE cases_caseevent SET at = %s WHERE id = %s", [taken.at, commented.pk])
    raw("UPDATE cases_caseevent SET at = %s WHERE id = %s", [commented.at, taken.pk])

    with pytest.raises(CommandError) as refused:
        _verify()

    # The take now comes third, and its own instant changed.
    assert str(refused.value) == _broken(case, taken.pk)


def test_a_forged_event_with_a_well_computed_hash_breaks_the_next_link(agent, area_staff):
    case = _worked_case(agent, area_staff)
    _, _, commented, taken = _timeline(case)
    forged = event_build(
        Case.objects.get(pk=case.pk),
        EventKind.COMMENTED,
        SYSTEM,
        commented.at + dt.timedelta(minutes=1),
        {"comment": 1},
    )
    forged.chain_hash = event_hash(forged, commented.chain_hash)  # a forger who knows the scheme
    CaseEvent.objects.bulk_create([forged])

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(case, taken.pk)


def test_a_forged_event_appended_with_a_wrong_hash_is_named_itself(agent, area_staff):
    case = _worked_case(agent, area_staff)
    last = _timeline(case)[-1]
    forged = CaseEvent(
        case=case,
        kind=EventKind.COMMENTED,
        at=last.at,
        data={},
        status=last.status,
        case_kind=last.case_kind,
        channel_id=last.channel_id,
        service_id=last.service_id,
        chain_hash="0" * 64,
    )
    forged.save()

    with pytest.raises(CommandError) as refused:
        _verify()

    assert str(refused.value) == _broken(case, forged.pk)


def test_since_checks_only_the_cases_with_events_from_that_day(agent, area_staff):
    old = make_case(
        Actor(user=agent),
        now=RECEIVED - dt.timedelta(days=30),
        received_at=RECEIVED - dt.timedelta(days=30),
    )
    case = _worked_case(agent, area_staff)
    raw("UPDATE cases_caseevent SET kind = 'updated' WHERE case_id = %s", [old.pk])

    assert events_verify(dt.datetime(2026, 11, 18, tzinfo=MX)).broken is None
    assert events_verify(dt.datetime(2026, 11, 18, tzinfo=MX)).checked == len(_timeline(case))
    with pytest.raises(CommandError, match=old.folio):
        _verify()


def test_the_migration_backfills_valid_chains_for_existing_events(agent, area_staff):
    case = _worked_case(agent, area_staff)
    expected = [e.chain_hash for e in _timeline(case)]
    raw("UPDATE cases_caseevent SET chain_hash = ''")
    assert events_verify().broken is not None
    migration = importlib.import_module("cases.migrations.0011_event_chain_hash")

    settle_deferred_checks()
    migration.backfill(apps, SimpleNamespace(connection=connection))  # the current models stand in

    assert [e.chain_hash for e in _timeline(case)] == expected
    assert events_verify().broken is None
    # The trigger is back: the backfill does not leave the table open to UPDATE.
    with pytest.raises(Exception, match="append-only"):
        CaseEvent.objects.filter(case=case).update(kind="updated")


@pytest.mark.postgres
def test_tampering_through_session_replication_role_is_found_on_postgresql(agent, area_staff):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only (CI runs it)")
    case = _worked_case(agent, area_staff)
    routed = _timeline(case)[1]
    with triggers_off() as cursor:
        cursor.execute("UPDATE cases_caseevent SET status = 'closed' WHERE id = %s", [routed.pk])

    report = events_verify()

    assert report.broken is not None
    assert (report.broken.folio, report.broken.row_id) == (case.folio, routed.pk)
