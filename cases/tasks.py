"""Celery tasks: thin wrappers that take ids, reload state and call one service.

The top of the app: the tasks import the services and the notices, never the reverse. Work a
service queues names its task in ``cases.followups``; the names here must not change (queued
messages, CELERY_TASK_ROUTES and the beat schedule refer to them).
"""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from infonavit_atencion.core.queueing import enqueue_now, enqueue_on_commit

from .anchors import anchors_seal
from .models import Case, CaseStatus, SlaRepairRun
from .notices.confirmation import notify_filing_confirmation
from .notices.notifications import (
    notify_acknowledgement,
    notify_assignment,
    notify_breach,
    notify_calendar_change,
    notify_extension,
    notify_public_comments,
    notify_resolution,
)
from .notices.sweep import notices_sweep
from .routing.engine import case_route
from .services.autoclose import cases_auto_close
from .services.filing import unconfirmed_filings_cancel
from .services.idempotency import idempotency_keys_purge
from .sla.monitor import sla_monitor_run
from .sla.repair import repair_notices_enqueue, sla_repair_continue

# How long a case may stay `new` before the sweeper queues its routing again (default a minute).
UNROUTED_GRACE = dt.timedelta(seconds=settings.UNROUTED_GRACE_SECONDS)


# Routing: retried with backoff while the database is unreachable.
ROUTING_RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 10,
}


@shared_task(**ROUTING_RETRY)
def route_case(self, case_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Route one case; a case already routed is left alone, so a duplicate message is harmless."""
    return case_route(case_id, timezone.now()) is not None


@shared_task(**ROUTING_RETRY)
def route_new_case(self, case_id: int) -> bool:  # type: ignore[no-untyped-def]
    """A new case's routing, then its acknowledgement e-mail queued: the intake publishes one
    message, not two (issue 17: a publish costs an intake more than any of its statements).
    The acknowledgement waits for the routing; should routing keep failing, the notice sweeper
    still sends it, and a redelivered message queues it again, which mails nothing twice."""
    routed = case_route(case_id, timezone.now()) is not None
    enqueue_now(send_acknowledgement, case_id)
    return routed


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-queue cases left `new` past UNROUTED_GRACE: a lost broker message never loses a case.
    Portal filings held for their e-mail confirmation wait for it (services.filing)."""
    cutoff = timezone.now() - UNROUTED_GRACE
    ids = list(
        Case.objects.filter(
            status=CaseStatus.NEW, created_at__lt=cutoff, awaiting_email_confirmation=False
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    for case_id in ids:
        enqueue_now(route_case, case_id)
    return len(ids)


@shared_task(acks_late=True)
def run_sla_monitor() -> dict:
    """Every minute: at-risk and breached marks, escalations; breach e-mails queued on commit."""
    report = sla_monitor_run(timezone.now())
    for case_id in report.escalated_ids:
        enqueue_on_commit(send_breach_notice, case_id)
    return {"warned": report.warned, "breached": report.breached}


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_breach_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_breach(case_id, timezone.now())


# E-mails: retried with backoff on any error (SMTP down, timeouts); each records a NOTIFIED
# event and skips a notice already sent, so a retry or a duplicate message does not mail twice.
NOTICE_RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**NOTICE_RETRY)
def send_acknowledgement(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_acknowledgement(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_assignment_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_assignment(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_resolution_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_resolution(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_extension_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_extension(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_calendar_change_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_calendar_change(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_public_comment_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_public_comments(case_id, timezone.now())


@shared_task(**NOTICE_RETRY)
def send_filing_confirmation(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_filing_confirmation(case_id, timezone.now())


@shared_task
def sweep_pending_notices() -> dict[str, int]:
    """Re-queue the e-mails whose message was lost (broker down): a lost message never loses a
    notice. Every NOTICE_SWEEP_SECONDS; {template: cases queued}."""
    return notices_sweep(timezone.now())


@shared_task(acks_late=True)
def close_resolved_cases() -> int:
    """Hourly: close the resolved cases whose reopen window has passed (idempotent)."""
    return cases_auto_close(timezone.now())


@shared_task(acks_late=True)
def cancel_unconfirmed_filings() -> int:
    """Hourly: cancel portal filings whose e-mail was not confirmed in PUBLIC_FILING_CONFIRM_DAYS."""
    return unconfirmed_filings_cancel(timezone.now())


@shared_task
def purge_idempotency_keys() -> int:
    """Daily: forget Idempotency-Key answers older than their 24-hour retention."""
    return idempotency_keys_purge(timezone.now())


@shared_task
def seal_history_anchors() -> int:
    """Daily: seal the days not anchored yet (up to yesterday); a second run seals nothing."""
    return len(anchors_seal(timezone.now()))


# --- SLA repair after a calendar change (ADR 0014) ----------------------------------------


@shared_task(acks_late=True)
def run_sla_repair(run_id: int) -> dict:
    """Recompute a calendar's open cases (a run resumes after its cursor if redelivered)."""
    run = sla_repair_continue(
        SlaRepairRun.objects.get(pk=run_id), timezone.now, notify=repair_notices_enqueue
    )
    return {"seen": run.seen, "changed": run.changed}
