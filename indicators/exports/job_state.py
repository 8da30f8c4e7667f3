"""The state changes of one export job: claim it to run, record its file, record its failure.

Shared by the two builders of a job, ``jobs`` (case lists and indicator tables) and
``monthly_delivery`` (the monthly workbook), so neither imports the other's module to finish a
job. See ``jobs`` for the life of a job.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet

from cases.storage import private_storage

from ..models import ExportJob, ExportStatus

STALE_AFTER = dt.timedelta(minutes=10)


def export_job_claim(job_id: int, now: dt.datetime) -> ExportJob | None:
    """Mark the job running if it is waiting (or abandoned: running without a heartbeat for
    STALE_AFTER), under a row lock; None if another run has it or it is finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        abandoned = job.status == ExportStatus.RUNNING and (
            (job.heartbeat_at or job.created_at) < now - STALE_AFTER
        )
        if job.status != ExportStatus.PENDING and not abandoned:
            return None
        job.status = ExportStatus.RUNNING
        job.started_at = job.heartbeat_at = now
        job.rows_done = 0
        job.rows_total = None
        job.error = ""
        job.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "rows_done",
                "rows_total",
                "error",
            ]
        )
        return job


def export_job_running(job: ExportJob) -> QuerySet[ExportJob]:
    """The job while it is still running (progress updates touch nothing else)."""
    return ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING)


def export_job_store(
    job: ExportJob, path: str, rows: int, now: dt.datetime, *, full_data: bool
) -> ExportJob:
    """Move the built file into private storage and mark the job done."""
    name = f"exportaciones/{job.requested_by_id}/{job.pk}-{secrets.token_hex(8)}.{job.format}"
    with open(path, "rb") as handle:
        stored = private_storage().save(name, File(handle))
    job.file.name = stored
    job.size = os.path.getsize(path)
    job.status = ExportStatus.DONE
    job.rows_done = rows
    job.rows_total = rows
    job.full_data = full_data
    job.finished_at = job.heartbeat_at = now
    job.save(
        update_fields=[
            "file", "size", "status", "rows_done", "rows_total", "full_data", "finished_at", "heartbeat_at",
        ]
    )  # fmt: skip
    return job


def export_job_fail(job: ExportJob, reason: str, now: dt.datetime) -> ExportJob:
    job.status = ExportStatus.FAILED
    job.error = reason
    job.finished_at = job.heartbeat_at = now
    job.save(update_fields=["status", "error", "finished_at", "heartbeat_at"])
    return job
