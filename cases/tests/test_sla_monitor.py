"""The SLA monitor marks at-risk and breached cases exactly once and escalates per policy."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.services import UserPlacement, user_create
from cases.events import Actor
from cases.models import Case, CaseEvent
from cases.routing.engine import case_route
from cases.services import CaseInput, TransitionInput, case_create, case_transition
from cases.sla.monitor import sla_monitor_run
from cases.tasks import run_sla_monitor
from contacts.services import ContactInput
from tests.support.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=MX)


def _case(agent) -> Case:
    case = case_create(
        CaseInput(
            service="QUEJA_CANALES_DIGITALES",
            channel="MICUENTA",
            contact=ContactInput(given_names="Ana", first_surname="Pérez"),
            description="La página falla.",
            received_at=RECEIVED,
        ),
        Actor(user=agent),
        RECEIVED,
    ).case
    routed = case_route(case.pk, RECEIVED)
    assert routed is not None
    return routed


def _events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind))


def test_nothing_happens_before_the_warning_instant(agent):
    case = _case(agent)
    report = sla_monitor_run(case.warn_at - dt.timedelta(seconds=1))
    assert (report.warned, report.breached) == (0, 0)
    case.refresh_from_db()
    assert case.sla_state == "on_track"


def test_at_the_warning_instant_the_case_is_at_risk_once(agent):
    case = _case(agent)

    first = sla_monitor_run(case.warn_at)
    second = sla_monitor_run(case.warn_at + dt.timedelta(minutes=1))

    case.refresh_from_db()
    assert (first.warned, second.warned) == (1, 0)
    assert case.sla_state == "at_risk"
    assert len(_events(case, "sla_warning")) == 1
    assert case.version == 3


def test_after_due_the_case_is_breached_escalated_and_raised_once(agent):
    case = _case(agent)
    priority = case.priority

    report = sla_monitor_run(case.resolution_due_at + dt.timedelta(seconds=1))
    again = sla_monitor_run(case.resolution_due_at + dt.timedelta(hours=1))

    case.refresh_from_db()
    assert (report.warned, report.breached, again.breached) == (1, 1, 0)
    assert case.sla_state == "breached"
    assert case.priority == priority + 1
    assert len(_events(case, "sla_warning")) == 1
    assert len(_events(case, "sla_breached")) == 1
    escalated = _events(case, "escalated")
    assert [(e.data["priority_from"], e.data["priority_to"]) for e in escalated] == [
        (priority, priority + 1)
    ]
    assert report.escalated_ids == [case.pk]


def test_exactly_at_due_is_not_yet_breached(agent):
    case = _case(agent)
    sla_monitor_run(case.resolution_due_at)
    case.refresh_from_db()
    assert case.sla_state == "at_risk"


def test_a_waiting_case_is_not_marked_while_its_clock_is_stopped(agent, area_staff):
    case = _case(agent)
    case_transition(case.folio, TransitionInput(action="take"), Actor(user=area_staff), RECEIVED)
    case_transition(
        case.folio,
        TransitionInput(action="pause", reason="Espera"),
        Actor(user=area_staff),
        RECEIVED,
    )

    report = sla_monitor_run(case.resolution_due_at + dt.timedelta(days=5))

    assert (report.warned, report.breached) == (0, 0)
    assert Case.objects.get(pk=case.pk).sla_state == "paused"


def test_the_task_emails_the_supervisors_of_the_case(
    agent, settings, django_capture_on_commit_callbacks
):
    case = _case(agent)
    user_create("sup.nacional", "supervisor", TEST_PASSWORD, UserPlacement(national=True))
    sup = user_create(
        "sup.operaciones",
        "supervisor",
        TEST_PASSWORD,
        UserPlacement(directorate_code=case.directorate.code),
    )
    other = user_create(
        "sup.otra",
        "supervisor",
        TEST_PASSWORD,
        UserPlacement(
            directorate_code="CREDITO" if case.directorate.code != "CREDITO" else "CARTERA"
        ),
    )
    for user, email in ((sup, "sup@infonavit.test"), (other, "otra@infonavit.test")):
        user.email = email
        user.save()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="sup.nacional").update(email="nacional@infonavit.test")
    Case.objects.filter(pk=case.pk).update(resolution_due_at=RECEIVED, warn_at=RECEIVED)

    with django_capture_on_commit_callbacks(execute=True):
        result = run_sla_monitor.delay().get()

    assert result["breached"] >= 1
    recipients = sorted(m.to[0] for m in mail.outbox if case.folio in m.subject)
    assert recipients == ["nacional@infonavit.test", "sup@infonavit.test"]
    assert "venció su plazo" in mail.outbox[0].body
    assert len(_events(case, "notified")) == 1


def test_a_pass_looks_only_at_thresholds_since_the_last_one_and_the_hourly_check_at_all(agent):
    from cases.models import SlaMonitorMark
    from cases.sla import monitor

    # Given a complete pass well after the case's warning instant, which found it on track
    # because (as no service would) its state was left stale behind the monitor's back
    case = _case(agent)
    late = case.warn_at + dt.timedelta(minutes=30)
    Case.objects.filter(pk=case.pk).update(warn_at=late + dt.timedelta(minutes=1))
    assert sla_monitor_run(late).warned == 0
    Case.objects.filter(pk=case.pk).update(warn_at=case.warn_at)
    mark = SlaMonitorMark.objects.get()
    assert (mark.scanned_to, mark.full_scan_at) == (late, late)

    # When the next minute's pass runs, the window (last pass less the margin) leaves it out
    regular = sla_monitor_run(late + dt.timedelta(minutes=1))
    # Then only the hourly self-check, which scans every running case, catches it
    hourly = sla_monitor_run(late + monitor.FULL_SCAN_EVERY)

    assert (regular.warned, hourly.warned) == (0, 1)
    assert len(_events(case, "sla_warning")) == 1
    mark.refresh_from_db()
    assert mark.full_scan_at == late + monitor.FULL_SCAN_EVERY


def test_an_incomplete_pass_does_not_move_the_window(agent, monkeypatch):
    from cases.models import SlaMonitorMark
    from cases.sla import monitor

    # Given two cases crossing at once and batches of one, a pass allowed only one batch
    first, second = _case(agent), _case(agent)
    monkeypatch.setattr(monitor, "BATCH_SIZE", 1)
    at = max(first.warn_at, second.warn_at)

    partial = sla_monitor_run(at, max_batches=1)

    # Then it marked one case and did not record the window as scanned
    assert partial.warned == 1
    assert not SlaMonitorMark.objects.exists()
    # And the next pass finishes the job
    assert sla_monitor_run(at + dt.timedelta(minutes=1)).warned == 1
    assert SlaMonitorMark.objects.get().scanned_to == at + dt.timedelta(minutes=1)
