"""Celery tasks: thin wrappers that take ids, reload state and call one service."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from infonavit_atencion.core.queueing import enqueue_now, enqueue_on_commit

from .models import Case, CaseStatus
from .notifications import notify_breach
from .routing import case_route
from .sla.monitor import sla_monitor_run

UNROUTED_GRACE = dt.timedelta(minutes=1)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=10,
)
def route_case(self, case_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Route one case; a case already routed is left alone, so a duplicate message is harmless."""
    return case_route(case_id, timezone.now()) is not None


@shared_task
def sweep_unrouted_cases() -> int:
    """Re-queue cases left `new` for over a minute: a lost broker message never loses a case."""
    cutoff = timezone.now() - UNROUTED_GRACE
    ids = list(Case.objects.filter(status=CaseStatus.NEW, created_at__lt=cutoff).order_by("created_at").values_list("pk", flat=True)[:5000])
    for case_id in ids:
        enqueue_now(route_case, case_id)
    return len(ids)


@shared_task(acks_late=True)
def run_sla_monitor() -> dict:
    """Every minute: at-risk and breached marks, escalations; breach e-mails queued on commit."""
    report = sla_monitor_run(timezone.now())
    for case_id in report.escalated_ids or []:
        enqueue_on_commit(send_breach_notice, case_id)
    return {"warned": report.warned, "breached": report.breached}


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_breach_notice(self, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return notify_breach(case_id, timezone.now())
