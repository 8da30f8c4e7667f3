"""The notice sweeper and the SLA breach notice: swept once, only where someone is to be told."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from accounts.services import UserPlacement, user_create
from cases.events import SYSTEM, event_record
from cases.models import Case, CaseEvent
from cases.notices.notifications import notify_breach
from cases.notices.sweep import notices_sweep
from cases.routing.engine import case_route
from cases.tasks import (
    run_sla_monitor,
    send_breach_notice,
    sweep_pending_notices,
)
from catalog.models import SlaPolicy
from contacts.services import ContactInput
from tests.support.accounts import TEST_PASSWORD

from .support import NOTHING, PAST_GRACE, RECEIVED, latest_event, notified, queja, sweep_counts

pytestmark = pytest.mark.django_db


def _supervisor(username: str, email: str, **placement):  # type: ignore[no-untyped-def]
    user = user_create(username, "supervisor", TEST_PASSWORD, UserPlacement(**placement))
    get_user_model().objects.filter(pk=user.pk).update(email=email)
    return user


def _overdue_case(agent, **overrides) -> Case:  # type: ignore[no-untyped-def]
    """A routed case (its acknowledgement left aside: a citizen without e-mail) past due."""
    eva = ContactInput(given_names="Eva", first_surname="Ruiz", curp="BOXW310820HNERXN09")
    case = case_route(queja(agent, contact=eva, **overrides).pk, RECEIVED)
    assert case is not None
    due = timezone.now() - dt.timedelta(minutes=1)  # inside the monitor's window of each pass
    Case.objects.filter(pk=case.pk).update(resolution_due_at=due, warn_at=due)
    return case


def _monitor_with_the_broker_down(case, broker_down, capture) -> CaseEvent:  # type: ignore[no-untyped-def]
    with broker_down() as attempts, capture(execute=True):
        run_sla_monitor.apply()
    assert attempts == ["cases.tasks.send_breach_notice"]
    return latest_event(case, "sla_breached")


def test_a_breach_notice_lost_with_the_broker_is_swept_once(
    agent, broker_down, django_capture_on_commit_callbacks
):
    # Given a case breached while the broker was down, with two supervisors over it
    case = _overdue_case(agent)
    _supervisor("sup.nacional", "nacional@infonavit.test", national=True)
    _supervisor("sup.direccion", "direccion@infonavit.test", directorate_code=case.directorate.code)
    breached = _monitor_with_the_broker_down(case, broker_down, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    # When the sweeper runs twice, and the task is run again
    first = notices_sweep(breached.at + PAST_GRACE)
    second = notices_sweep(breached.at + PAST_GRACE + dt.timedelta(minutes=5))
    again = send_breach_notice.apply(args=[case.pk]).get()

    # Then each supervisor got it once, recorded against the breach
    assert (first, second, again) == (sweep_counts(breach=1), NOTHING, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "direccion@infonavit.test",
        "nacional@infonavit.test",
    ]
    assert {m.subject for m in mail.outbox} == {f"Plazo vencido: {case.folio}"}
    assert notified(case, "breach") == [
        {"template": "breach", "event": breached.pk, "recipients": 2}
    ]


def test_breaches_nobody_is_to_be_told_of_are_not_queued(
    agent, broker_down, django_capture_on_commit_callbacks
):
    # A breach with no supervisor with an e-mail over the case
    _supervisor("sup.sin.correo", "", national=True)
    unseen = _overdue_case(agent)
    unseen_at = _monitor_with_the_broker_down(
        unseen, broker_down, django_capture_on_commit_callbacks
    ).at
    assert notices_sweep(unseen_at + PAST_GRACE) == NOTHING
    _supervisor("sup.nacional", "nacional@infonavit.test", national=True)
    assert notices_sweep(unseen_at + PAST_GRACE) == sweep_counts(breach=1)  # now there is one

    # A breach whose policy does not notify supervisors, though one is there to tell
    quiet = _overdue_case(agent, description="Otra queja sobre la página.")
    SlaPolicy.objects.filter(pk=quiet.sla_policy_id).update(escalate_notify_supervisors=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_sla_monitor.apply()
    assert callbacks == []
    quiet_at = latest_event(quiet, "sla_breached").at

    assert notices_sweep(quiet_at + PAST_GRACE) == NOTHING
    assert notified(quiet, "breach") == []
    assert len(mail.outbox) == 1


def test_a_breach_notice_recorded_before_notices_named_their_cause_counts_as_sent(
    agent, broker_down, django_capture_on_commit_callbacks
):
    _supervisor("sup.nacional", "nacional@infonavit.test", national=True)
    case = _overdue_case(agent)
    breached = _monitor_with_the_broker_down(case, broker_down, django_capture_on_commit_callbacks)
    event_record(case, "notified", SYSTEM, breached.at, {"template": "breach", "recipients": 1})

    assert notices_sweep(breached.at + PAST_GRACE) == NOTHING
    assert send_breach_notice.apply(args=[case.pk]).get() == 0
    assert mail.outbox == []


def test_the_beat_task_sweeps_on_the_notifications_queue(
    agent, broker_down, django_capture_on_commit_callbacks
):
    assert django_settings.CELERY_TASK_ROUTES["cases.tasks.sweep_pending_notices"] == {
        "queue": "notifications"
    }
    assert django_settings.CELERY_BEAT_SCHEDULE["sweep-pending-notices"] == {
        "task": "cases.tasks.sweep_pending_notices",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    }
    ten_minutes_ago = timezone.now() - PAST_GRACE
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        case = queja(agent, now=ten_minutes_ago)

    assert sweep_pending_notices.delay().get() == sweep_counts(acknowledgement=1)
    assert [m.subject for m in mail.outbox] == [f"Registramos su caso {case.folio}"]


def test_the_breach_notice_says_how_long_ago_in_the_unit_of_the_term(
    agent, broker_down, django_capture_on_commit_callbacks
):
    # Given a breached queja (a term in business days) with a supervisor over it
    case = _overdue_case(agent)
    _supervisor("sup.nacional", "nacional@infonavit.test", national=True)
    _monitor_with_the_broker_down(case, broker_down, django_capture_on_commit_callbacks)
    mx = ZoneInfo("America/Mexico_City")
    due = dt.datetime(2026, 11, 19, 18, 0, tzinfo=mx)  # Thursday's closing
    Case.objects.filter(pk=case.pk).update(resolution_due_at=due, warn_at=due)

    # When the notice goes out the next Monday morning
    assert notify_breach(case.pk, dt.datetime(2026, 11, 23, 10, 0, tzinfo=mx)) == 1

    # Then it names the due instant and the business days since (Friday and Monday)
    [message] = mail.outbox
    assert "Venció: 19 de noviembre de 2026, 18:00 (hora del centro)\n" in message.body
    assert "Plazo: Vencido hace 2 días hábiles\n" in message.body
