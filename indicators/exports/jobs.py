"""Background exports: create, run (idempotent), read by their owner, purge.

Life of a job: ``pending`` (created, task queued on commit) → ``running`` (claimed under a row
lock; ``heartbeat_at`` moves with each progress update) → ``done`` (file in private storage) or
``failed`` (a Spanish reason) → ``expired`` (file removed after EXPORT_RETENTION_DAYS; the row
stays as the record of who exported what).

The task takes only the id. A second delivery of the message finds the job no longer
``pending`` and does nothing; a job left ``running`` by a killed worker (no heartbeat for
STALE_AFTER) is claimed again and rebuilt from the start. A sweeper (beat, every five minutes)
queues again the jobs whose message may have been lost (:func:`export_jobs_stalled`). The scope and the right to full data
are evaluated again when the job runs, as the person stands then.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.events import Actor
from cases.storage import private_storage
from infonavit_atencion.core.errors import ApplicationError, NotFound
from infonavit_atencion.core.queueing import enqueue_named_on_commit

from ..models import ExportJob, ExportKind, ExportStatus
from .builders import ExportTable, case_queryset, case_table, indicator_table, write_table
from .job_state import (
    STALE_AFTER,
    export_job_claim,
    export_job_fail,
    export_job_running,
    export_job_store,
)
from .monthly_delivery import monthly_job_build
from .params import CaseExportParams, IndicatorExportParams

logger = logging.getLogger(__name__)
# Queued by name: the tasks module imports this one (tasks sit above the services they wrap).
BUILD_EXPORT_TASK = "indicators.tasks.build_export"
PENDING_GRACE = dt.timedelta(minutes=2)
Clock = Callable[[], dt.datetime]


# --- Reads ------------------------------------------------------------------------------------


def export_jobs_for(user: User) -> QuerySet[ExportJob]:
    """The person's own exports, newest first (nobody sees another's)."""
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at", "-id")


def export_job_get_for(user: User, pk: int) -> ExportJob:
    job = export_jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise NotFound(_("La exportación no existe o no es suya."))
    return job


def export_job_file_for(user: User, pk: int) -> ExportJob:
    """A finished export of this person whose file is still kept; NotFound otherwise."""
    job = export_job_get_for(user, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise NotFound(_("La exportación no está lista o ya caducó."))
    return job


# --- Writes -----------------------------------------------------------------------------------


def export_job_create(
    user: User,
    kind: str,
    fmt: str,
    title: str,
    params: dict,
    filename: str,
    *,
    full_data: bool = False,
) -> ExportJob:
    """Record the request and queue the build once the transaction commits."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            kind=kind,
            format=fmt,
            title=title[:200],
            params=params,
            filename=filename,
            full_data=full_data,
        )
        enqueue_named_on_commit(BUILD_EXPORT_TASK, job.pk)
    return job


def _table(job: ExportJob, now: dt.datetime) -> tuple[ExportTable, int | None]:
    """What the job writes, and how many rows that is (None when not known beforehand)."""
    actor = Actor(user=job.requested_by)
    if job.kind == ExportKind.CASES:
        params = CaseExportParams.from_json(job.params)
        total = case_queryset(actor, params).count()
        if total > settings.EXPORT_MAX_ROWS:
            raise ApplicationError(
                _("La exportación tendría %(n)s filas y el máximo es %(max)s; acote los filtros.")
                % {"n": f"{total:,}", "max": f"{settings.EXPORT_MAX_ROWS:,}"}
            )
        queue = job.params.get("queue_label") or params.queue
        return case_table(actor, params, queue, now=now), total
    if job.kind == ExportKind.INDICATORS:
        table = indicator_table(actor, IndicatorExportParams.from_json(job.params), now=now)
        return table, None
    raise ApplicationError(_("Tipo de exportación desconocido."))


def export_job_run(job_id: int, clock: Clock = timezone.now) -> ExportJob | None:
    """Build the job's file if the job is waiting (or abandoned); None if there was nothing to do.

    Monthly reports are built by indicators.exports.monthly_delivery, not here.
    """
    now = clock()
    job = export_job_claim(job_id, now)
    if job is None:
        return None
    if job.kind == ExportKind.MONTHLY:
        return monthly_job_build(job, now)
    handle, path = tempfile.mkstemp(suffix=f".{job.format}")
    os.close(handle)
    try:
        table, total = _table(job, now)
        export_job_running(job).update(rows_total=total, heartbeat_at=clock())

        def progress(rows: int) -> None:
            export_job_running(job).update(rows_done=rows, heartbeat_at=clock())

        written = write_table(table, job.format, path, progress)
        return export_job_store(job, path, written, clock(), full_data=table.full_data)
    except ApplicationError as error:
        return export_job_fail(job, str(error.detail), clock())
    except SoftTimeLimitExceeded:
        return export_job_fail(
            job, _("La exportación tardó demasiado; acote los filtros e intente de nuevo."), clock()
        )
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        return export_job_fail(
            job, _("No se pudo generar la exportación; intente de nuevo más tarde."), clock()
        )
    finally:
        if os.path.exists(path):
            os.remove(path)


def export_jobs_stalled(now: dt.datetime) -> list[int]:
    """Jobs whose message may be lost: waiting for over PENDING_GRACE (the broker was down when
    they were queued), or running without a heartbeat for STALE_AFTER (a killed worker whose
    message came back while the heartbeat was still fresh). Queuing them again is harmless:
    only one run can claim a job."""
    stalled = ExportJob.objects.filter(
        Q(status=ExportStatus.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=ExportStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    ).exclude(kind=ExportKind.MONTHLY)  # the monthly task rebuilds its own
    return list(stalled.order_by("created_at").values_list("pk", flat=True)[:100])


def export_jobs_purge(now: dt.datetime) -> int:
    """Remove the files kept longer than EXPORT_RETENTION_DAYS; the rows become ``expired``.
    Idempotent: an expired job has no file left to remove."""
    cutoff = now - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff)
    count = 0
    for job in expired.iterator():
        if job.file:
            private_storage().delete(job.file.name)
        updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file="", heartbeat_at=now
        )
        count += updated
    return count
