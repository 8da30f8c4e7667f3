"""Celery tasks of the indicators: thin wrappers around one service each."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from infonavit_atencion.core.queueing import enqueue_now

from .exports.jobs import export_job_run, export_jobs_purge, export_jobs_stalled
from .exports.monthly_delivery import monthly_report_send, previous_month
from .services import indicators_refresh


@shared_task
def refresh_indicators() -> int:
    """Beat, every minute: replay the cases touched since the watermark (idempotent)."""
    return indicators_refresh(timezone.now()).cases


@shared_task(
    acks_late=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT + 60,
)
def build_export(job_id: int) -> str | None:
    """Build one export job's file; a job no longer waiting is left alone (idempotent)."""
    job = export_job_run(job_id)
    return job.status if job is not None else None


@shared_task
def sweep_export_jobs() -> int:
    """Beat, every five minutes: queue again the export jobs whose message may be lost."""
    ids = export_jobs_stalled(timezone.now())
    for job_id in ids:
        enqueue_now(build_export, job_id)
    return len(ids)


@shared_task
def purge_expired_exports() -> int:
    """Beat, daily: remove export files kept longer than EXPORT_RETENTION_DAYS."""
    return export_jobs_purge(timezone.now())


@shared_task(
    acks_late=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT + 60,
)
def send_monthly_report(month: str | None = None) -> dict:
    """Beat, 07:00 on the 1st: last month's channel workbook to every supervisor (idempotent).
    `month` (YYYY-MM-DD, any day of it) for a re-run by hand."""
    now = timezone.now()
    first = dt.date.fromisoformat(month) if month else previous_month(now)
    deliveries = monthly_report_send(first, now)
    return {d.outcome: sum(1 for x in deliveries if x.outcome == d.outcome) for d in deliveries}


REFRESH_REQUESTED_KEY = "indicators:refresh-requested"


def refresh_soon() -> bool:
    """Queue one refresh now, at most once a minute however many boards ask (the board showed
    the last refresh because the backlog was past its live correction)."""
    if not cache.add(REFRESH_REQUESTED_KEY, True, timeout=60):
        return False
    return enqueue_now(refresh_indicators)
