"""SLA repair after a calendar change (ADR 0014): the open cases of the calendar are recomputed
from their own snapshot on the new calendar, exactly as the clock says; closed cases are never
rewritten; the run resumes after a crash; the citizen is told only when the date moved later."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from businesstime import clock
from cases.events import Actor
from cases.integrity import case_history_break
from cases.models import Case, CaseEvent, SlaRepairRun
from cases.notices.sweep import notices_sweep
from cases.services import TransitionInput, case_transition
from cases.sla.monitor import sla_monitor_run
from cases.sla.repair import (
    repair_notices_enqueue,
    sla_repair_continue,
    sla_repair_pending,
    sla_repair_start,
)
from cases.sla.repair_changes import sla_repair_preview
from cases.timeline_check import case_timeline_problems
from channels.models import BusinessCalendar, CalendarException
from channels.selectors import calendar_spec_for
from contacts.services import ContactInput
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
# Friday 13 November 2026, 10:00 (Monday 16 is a holiday). A queja (QUEJA_15DH: first response
# 8 business hours, resolution 15 business days, warning at 70 %) on INSTITUCIONAL (Mon–Fri
# 09:00–18:00) is due Monday 7 December 18:00; first response Friday 13, 18:00.
RECEIVED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MX)
DUE = dt.datetime(2026, 12, 7, 18, 0, tzinfo=MX)
FIRST_DUE = dt.datetime(2026, 11, 13, 18, 0, tzinfo=MX)
# Terms suspended 17–19 November: 3 business days fewer before the due → Thursday 10 December.
SUSPENDED = [dt.date(2026, 11, 17), dt.date(2026, 11, 18), dt.date(2026, 11, 19)]
NEW_DUE = dt.datetime(2026, 12, 10, 18, 0, tzinfo=MX)
NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=MX)
ANA = ContactInput(
    given_names="Ana", first_surname="Pérez", nss="92919084431", email="ana@example.com"
)


def _now() -> dt.datetime:
    return NOW


def _suspend(days: list[dt.date], code: str = "INSTITUCIONAL") -> None:
    calendar = BusinessCalendar.objects.get(code=code)
    for day in days:
        CalendarException.objects.create(
            calendar=calendar, date=day, closed=True, name="Huracán", source="DOF"
        )


def _repair(code: str = "INSTITUCIONAL", **kwargs) -> SlaRepairRun:  # type: ignore[no-untyped-def]
    run = sla_repair_start(
        BusinessCalendar.objects.get(code=code), "Suspensión por huracán (DOF)", NOW
    )
    return sla_repair_continue(run, _now, notify=repair_notices_enqueue, **kwargs)


def _recomputed(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="sla_recomputed"))


def test_apply_moves_the_due_exactly_and_lifts_the_breach(
    agent, django_capture_on_commit_callbacks
):
    # Given a queja breached (and escalated: priority normal → high) on 8 December
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    assert case.sla_calendar.code == "INSTITUCIONAL"
    assert (case.resolution_due_at, case.first_response_due_at) == (DUE, FIRST_DUE)
    sla_monitor_run(NOW)
    case.refresh_from_db()
    assert (case.sla_state, case.priority) == ("breached", 3)
    old_warn = case.warn_at
    # When 17–19 November become días inhábiles and the repair runs
    _suspend(SUSPENDED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = _repair()
    # Then the due is where the clock puts it on the new calendar, to the microsecond
    case.refresh_from_db()
    spec = calendar_spec_for(case.sla_calendar_id)
    assert case.resolution_due_at == NEW_DUE == clock.due_at(spec, RECEIVED, 15, "business_days")
    assert case.warn_at == clock.warn_at(spec, RECEIVED, NEW_DUE, "business_days", 70)
    assert case.first_response_due_at == FIRST_DUE  # 8 business hours end before the suspension
    # the breach is lifted (recorded, not deleted) and the escalation's priority goes back
    assert case.sla_state == "at_risk" and case.priority == 2
    assert CaseEvent.objects.filter(case=case, kind="sla_breached").count() == 1
    [event] = _recomputed(case)
    assert event.data == {
        "cause": "Suspensión por huracán (DOF)",
        "run": run.pk,
        "notice": None,
        "calendar": "INSTITUCIONAL",
        "from_instants": {
            "first_response_due_at": FIRST_DUE.astimezone(dt.UTC).isoformat(),
            "resolution_due_at": DUE.astimezone(dt.UTC).isoformat(),
            "warn_at": old_warn.isoformat(),
        },
        "to_instants": {
            "first_response_due_at": FIRST_DUE.astimezone(dt.UTC).isoformat(),
            "resolution_due_at": NEW_DUE.astimezone(dt.UTC).isoformat(),
            "warn_at": case.warn_at.isoformat(),
        },
        "sla_state_from": "breached",
        "sla_state_to": "at_risk",
        "promised_later": True,
        "breach_lifted": True,
        "priority_from": 3,
        "priority_to": 2,
    }
    assert (run.status, run.seen, run.changed, run.lifted, run.breached) == ("done", 1, 1, 1, 0)
    assert case_timeline_problems([case.pk]) == {}
    # and the repair's events extend the case's hash chain (ADR 0013)
    assert (
        case_history_break(list(CaseEvent.objects.filter(case=case).order_by("at", "id"))) is None
    )
    # and the citizen is told the new date, once
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert (
        "10 de diciembre de 2026" in message.body and "Suspensión por huracán (DOF)" in message.body
    )


def test_a_second_run_changes_nothing(agent):
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    _suspend(SUSPENDED)
    _repair()
    version = Case.objects.get(pk=case.pk).version
    run = _repair()
    assert (run.seen, run.changed) == (1, 0)
    assert Case.objects.get(pk=case.pk).version == version
    assert len(_recomputed(case)) == 1


def test_waits_served_are_replayed_on_the_new_calendar(agent):
    # Given a case that waited from Wednesday 18 November 10:00 to Friday 20, 10:00: 18 h of open
    # time (8 + 9 + 1), two business days: due Wednesday 9 December 18:00
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    user = Actor(user=agent)
    case_transition(case.folio, TransitionInput("take"), user, RECEIVED)
    case_transition(
        case.folio,
        TransitionInput("pause", reason="Faltan documentos"),
        user,
        dt.datetime(2026, 11, 18, 10, tzinfo=MX),
    )
    case_transition(
        case.folio, TransitionInput("resume"), user, dt.datetime(2026, 11, 20, 10, tzinfo=MX)
    )
    case.refresh_from_db()
    assert case.resolution_due_at == dt.datetime(2026, 12, 9, 18, 0, tzinfo=MX)
    assert case.paused_open_seconds == 18 * 3600
    # When Thursday 19 November is closed
    _suspend([dt.date(2026, 11, 19)])
    _repair()
    # Then the base term moves a day (8 December) but the wait served holds 9 h of open time
    # fewer (8 + 0 + 1): the due stays 9 December 18:00; warn_at and the open time waited move
    case.refresh_from_db()
    spec = calendar_spec_for(case.sla_calendar_id)
    base = clock.due_at(spec, RECEIVED, 15, "business_days")
    assert base == dt.datetime(2026, 12, 8, 18, 0, tzinfo=MX)
    assert case.resolution_due_at == dt.datetime(2026, 12, 9, 18, 0, tzinfo=MX)
    assert case.paused_open_seconds == 9 * 3600
    wait = (dt.datetime(2026, 11, 18, 10, tzinfo=MX), dt.datetime(2026, 11, 20, 10, tzinfo=MX))
    expected_warn = clock.truncate_to_second(
        clock.extend_for_pause(
            spec, clock.warn_at(spec, RECEIVED, base, "business_days", 70), *wait, "business_days"
        )
    )
    assert case.warn_at == expected_warn
    [event] = _recomputed(case)
    assert event.data["promised_later"] is False


def test_the_term_extension_is_replayed(agent):
    # Given an ARCO request (20 business days + one extension of 10) received 13 November:
    # due 14 December, extended to Tuesday 29 December 18:00
    case = make_case(
        Actor(user=agent),
        now=RECEIVED,
        route=True,
        contact=ANA,
        service="DERECHOS_ARCO",
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
        arco_right="access",
        description="Quiero saber qué datos míos tiene el Instituto.",
    )
    assert case.sla_calendar.code == "INSTITUCIONAL"
    user = Actor(user=agent)
    case_transition(
        case.folio,
        TransitionInput("extend", reason="Búsqueda en archivo"),
        user,
        RECEIVED + dt.timedelta(days=1),
    )
    case.refresh_from_db()
    assert case.resolution_due_at == dt.datetime(2026, 12, 29, 18, 0, tzinfo=MX)
    # When 21–23 December are suspended (after the first due, inside the extension)
    _suspend([dt.date(2026, 12, 21), dt.date(2026, 12, 22), dt.date(2026, 12, 23)])
    _repair()
    # Then the 14 December due holds and the 10 extra days end on Monday 4 January 2027
    # (24, 28–31 December; 1 January is a holiday; then 4 January)
    case.refresh_from_db()
    assert case.resolution_due_at == dt.datetime(2027, 1, 4, 18, 0, tzinfo=MX)
    spec = calendar_spec_for(case.sla_calendar_id)
    first_due = dt.datetime(2026, 12, 14, 18, 0, tzinfo=MX)
    assert case.warn_at == clock.warn_at(
        spec, first_due, case.resolution_due_at, "business_days", case.sla_warn_pct
    )


def test_closed_cases_are_never_rewritten(agent):
    resolved = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    case_transition(
        resolved.folio,
        TransitionInput("resolve", resolution="Listo."),
        Actor(user=agent),
        RECEIVED + dt.timedelta(hours=1),
    )
    cancelled = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    case_transition(
        cancelled.folio,
        TransitionInput("cancel", reason="Duplicado"),
        Actor(user=agent),
        RECEIVED + dt.timedelta(hours=1),
    )
    before = {
        c.pk: (c.resolution_due_at, c.warn_at, c.version, c.sla_state) for c in Case.objects.all()
    }
    events = CaseEvent.objects.count()
    _suspend(SUSPENDED)
    run = _repair()
    assert run.seen == 0 and run.changed == 0
    after = {
        c.pk: (c.resolution_due_at, c.warn_at, c.version, c.sla_state) for c in Case.objects.all()
    }
    assert after == before
    assert CaseEvent.objects.count() == events


def test_a_run_stopped_midway_resumes_after_its_cursor(agent):
    cases = [make_case(Actor(user=agent), now=RECEIVED, contact=ANA) for _ in range(3)]
    _suspend(SUSPENDED)
    run = sla_repair_start(BusinessCalendar.objects.get(code="INSTITUCIONAL"), "Aviso", NOW)
    # One batch of one case commits, then the process dies
    sla_repair_continue(run, _now, size=1, max_batches=1)
    assert [len(_recomputed(c)) for c in cases] == [1, 0, 0]
    # A new process finds the unfinished run and resumes it
    pending = sla_repair_pending(BusinessCalendar.objects.get(code="INSTITUCIONAL"))
    assert pending is not None and pending.pk == run.pk and pending.cursor == cases[0].pk
    done = sla_repair_continue(pending, _now, size=1)
    assert (done.status, done.seen, done.changed) == ("done", 3, 3)
    assert [len(_recomputed(c)) for c in cases] == [1, 1, 1]
    assert all(Case.objects.get(pk=c.pk).resolution_due_at == NEW_DUE for c in cases)
    assert sla_repair_pending(BusinessCalendar.objects.get(code="INSTITUCIONAL")) is None


def test_no_email_when_the_date_moves_earlier_and_a_new_breach_escalates(
    agent, django_capture_on_commit_callbacks
):
    # Given a queja received while 17–19 November were closed: due 10 December
    _suspend(SUSPENDED)
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    assert case.resolution_due_at == NEW_DUE
    # When the suspension is withdrawn and the repair runs on 9 December, 10:00
    CalendarException.objects.filter(date__in=SUSPENDED).delete()
    mail.outbox.clear()
    later_now = dt.datetime(2026, 12, 9, 10, 0, tzinfo=MX)
    run = sla_repair_start(
        BusinessCalendar.objects.get(code="INSTITUCIONAL"), "Corrección", later_now
    )
    with django_capture_on_commit_callbacks(execute=True):
        sla_repair_continue(run, lambda: later_now, notify=repair_notices_enqueue)
    # Then the due is 7 December again: a breach appears, recorded and escalated as the
    # monitor would, and no citizen e-mail (the date moved earlier)
    case.refresh_from_db()
    assert case.resolution_due_at == DUE
    assert (case.sla_state, case.priority) == ("breached", 3)
    kinds = list(
        CaseEvent.objects.filter(case=case, at=later_now)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["sla_recomputed", "sla_warning", "sla_breached", "escalated"]
    assert all(message.to != ["ana@example.com"] for message in mail.outbox)
    run.refresh_from_db()
    assert run.breached == 1


def test_preview_counts_by_office_service_and_channel_and_writes_nothing(agent):
    # Two Cesi quejas in two offices on CESI_CDMX, one digital case on INSTITUCIONAL
    first = make_case(
        Actor(user=agent),
        now=RECEIVED,
        contact=ANA,
        service="QUEJA_ATENCION_CESI",
        channel="CESI",
        office="CESI_CDMX_BENITO_JUAREZ",
    )
    make_case(
        Actor(user=agent),
        now=RECEIVED,
        contact=ANA,
        service="QUEJA_ATENCION_CESI",
        channel="CESI",
        office="CESI_CDMX_IZTAPALAPA",
    )
    make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    assert first.sla_calendar.code == "CESI_CDMX"
    calendar = BusinessCalendar.objects.get(code="CESI_CDMX")
    _suspend(SUSPENDED, "CESI_CDMX")
    events, versions = (
        CaseEvent.objects.count(),
        list(Case.objects.values_list("version", flat=True)),
    )
    preview = sla_repair_preview(calendar.pk, NOW).as_dict()
    assert (
        preview["open_cases"],
        preview["changed"],
        preview["resolution_moved"],
        preview["later"],
    ) == (2, 2, 2, 2)
    assert preview["citizens_told"] == 2
    assert [(r["code"], r["cases"], r["resolution_moved"]) for r in preview["by_office"]] == [
        ("CESI_CDMX_BENITO_JUAREZ", 1, 1),
        ("CESI_CDMX_IZTAPALAPA", 1, 1),
    ]
    assert [(r["code"], r["cases"]) for r in preview["by_service"]] == [("QUEJA_ATENCION_CESI", 2)]
    assert [(r["code"], r["cases"]) for r in preview["by_channel"]] == [("CESI", 2)]
    assert preview["shift_min_hours"] == preview["shift_max_hours"] == 72.0
    assert CaseEvent.objects.count() == events
    assert list(Case.objects.values_list("version", flat=True)) == versions
    assert not SlaRepairRun.objects.exists()


def test_command_dry_run_writes_nothing_and_the_command_repairs(agent):
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    _suspend(SUSPENDED)
    out = StringIO()
    call_command("sla_repair", "--calendar", "INSTITUCIONAL", "--dry-run", stdout=out)
    assert "Simulación: 1 casos cambiarían; no se escribió nada." in out.getvalue()
    assert not _recomputed(case) and not SlaRepairRun.objects.exists()
    assert Case.objects.get(pk=case.pk).resolution_due_at == DUE
    out = StringIO()
    call_command("sla_repair", "--calendar", "INSTITUCIONAL", stdout=out)
    assert "1 casos cambiaron de 1 abiertos" in out.getvalue()
    assert Case.objects.get(pk=case.pk).resolution_due_at == NEW_DUE
    assert len(_recomputed(case)) == 1


def test_a_calendar_change_notice_lost_with_the_broker_is_swept_once(agent):
    # Given a repair whose e-mails were never queued (the broker was down)
    case = make_case(Actor(user=agent), now=RECEIVED, contact=ANA)
    _suspend(SUSPENDED)
    run = sla_repair_start(BusinessCalendar.objects.get(code="INSTITUCIONAL"), "Aviso DOF", NOW)
    sla_repair_continue(run, _now)
    mail.outbox.clear()
    # When the sweeper passes after the grace, the citizen is told once
    from_now = NOW + dt.timedelta(minutes=10)
    first, second = notices_sweep(from_now), notices_sweep(from_now + dt.timedelta(minutes=1))
    assert (first["calendar_change"], second["calendar_change"]) == (1, 0)
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    notified = CaseEvent.objects.get(case=case, kind="notified", data__template="calendar_change")
    assert notified.data["event"] == _recomputed(case)[0].pk
