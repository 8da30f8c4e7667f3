"""Who gets the monthly workbook, built for whose scope, and the e-mail that carries it.

Recipients: every active supervisor with an e-mail address. Each gets the workbook of **their
own scope** (``indicator_scope_for``): an office, a delegación with its Cesi, a directorate — or,
for a national supervisor, the whole institute. Nobody receives numbers outside what the
dashboard already shows them. Administrators are not mailed (they may export any table).

Each (supervisor, month) is one ``ExportJob`` of kind ``monthly`` (unique), so the workbook is
also listed under "Mis exportaciones" until it expires, and a second run of the task — beat
retried, or the management command after beat — mails nobody twice: a job already mailed is
skipped, a job built but not mailed is mailed with the file it has, a failed one is rebuilt.
As with the case notifications, a crash between the SMTP answer and recording ``emailed_at``
could mail once more on the next run; it never loses a report.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from cases.events import Actor
from cases.storage import private_storage

from ..dimensions import indicator_scope_for
from ..metrics import local_date
from ..models import ExportFormat, ExportJob, ExportKind, ExportStatus
from .job_state import export_job_claim, export_job_fail, export_job_store
from .monthly import SHEETS, month_label, monthly_workbook
from .writers import XLSX_CONTENT_TYPE

logger = logging.getLogger(__name__)
EMAIL_TIMEOUT_DEFAULT = 30


@dataclass(frozen=True)
class Delivery:
    username: str
    email: str
    scope: str
    outcome: str  # sent, already_sent, failed, no_scope, dry_run
    size: int = 0


def previous_month(now: dt.datetime) -> dt.date:
    """The first day of the month before `now`'s (local date in Mexico City)."""
    first_of_this = local_date(now).replace(day=1)
    return (first_of_this - dt.timedelta(days=1)).replace(day=1)


def report_recipients() -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role=Role.SUPERVISOR)
        .exclude(email="")
        .select_related("profile__office", "profile__directorate")
        .order_by("username")
    )


def scope_label(user: User) -> str:
    profile = user.profile
    scope = profile.supervisor_scope
    if scope == SupervisorScope.NATIONAL:
        return _("Nacional")
    if scope == SupervisorScope.DIRECTORATE and profile.directorate:
        return str(profile.directorate.name)  # "Dirección de Originación de Crédito"
    if scope == SupervisorScope.DELEGACION and profile.office:
        return _("Delegación %(name)s y sus Cesi") % {"name": profile.office.name}
    if scope == SupervisorScope.OFFICE and profile.office:
        return _("Oficina: %(name)s") % {"name": profile.office.name}
    return _("Sin ámbito")


def _filename(month: dt.date) -> str:
    return f"informe-mensual-canales-{month:%Y-%m}.xlsx"


def monthly_job_build(job: ExportJob, now: dt.datetime) -> ExportJob:
    """Build a claimed monthly job for its owner's scope (by monthly_report_send, or by
    jobs.export_job_run when its task is queued)."""
    user = job.requested_by
    scope = indicator_scope_for(Actor(user=user))
    if scope is None or job.period is None:
        return export_job_fail(job, _("La persona ya no tiene un ámbito de supervisión."), now)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(monthly_workbook(job.period, scope, scope_label(user), now))
        return export_job_store(job, path, 0, now, full_data=False)
    except Exception:
        logger.exception("Monthly report job %s failed", job.pk)
        return export_job_fail(job, _("No se pudo generar el informe mensual."), now)
    finally:
        os.remove(path)


def _job_for(user: User, month: dt.date) -> ExportJob:
    job, _created = ExportJob.objects.get_or_create(
        kind=ExportKind.MONTHLY,
        requested_by=user,
        period=month,
        defaults={
            "format": ExportFormat.XLSX,
            "title": _("Informe mensual de canales, %(month)s") % {"month": month_label(month)},
            "filename": _filename(month),
            "params": {"month": month.isoformat()},
        },
    )
    if job.status in (ExportStatus.FAILED, ExportStatus.EXPIRED) and job.emailed_at is None:
        ExportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ExportStatus.PENDING, file=""
        )
    return job


def _send(user: User, job: ExportJob, scope: str, month: dt.date) -> None:
    with private_storage().open(job.file.name, "rb") as handle:
        content = handle.read()
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "")
    body = render_to_string(
        "indicators/email/monthly_report.txt",
        {
            "name": user.get_full_name() or user.get_username(),
            "month": month_label(month),
            "scope": scope,
            "sheets": SHEETS,
            "exports_link": urljoin(base.rstrip("/") + "/", reverse("exports:list").lstrip("/")),
            "retention_days": settings.EXPORT_RETENTION_DAYS,
        },
    )
    subject = _("Informe mensual de eficiencia de canales: %(month)s") % {
        "month": month_label(month)
    }
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT_DEFAULT
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        connection=get_connection(timeout=timeout),
    )
    message.attach(job.filename, content, XLSX_CONTENT_TYPE)
    message.send()


def monthly_report_send(
    month: dt.date, now: dt.datetime, *, dry_run: bool = False
) -> list[Delivery]:
    """Build and mail `month`'s workbook to every supervisor (see the module docstring).

    With `dry_run` every workbook is built in memory and measured; nothing is stored or sent.
    """
    month = month.replace(day=1)
    deliveries = []
    for user in report_recipients():
        label = scope_label(user)
        scope = indicator_scope_for(Actor(user=user))
        if scope is None:
            deliveries.append(Delivery(user.username, user.email, label, "no_scope"))
            continue
        if dry_run:
            size = len(monthly_workbook(month, scope, label, now))
            deliveries.append(Delivery(user.username, user.email, label, "dry_run", size))
            continue
        job = _job_for(user, month)
        if job.emailed_at is not None:
            deliveries.append(Delivery(user.username, user.email, label, "already_sent", job.size))
            continue
        claimed = export_job_claim(job.pk, now)
        if claimed is not None:
            monthly_job_build(claimed, now)
        job.refresh_from_db()
        if job.status != ExportStatus.DONE:
            deliveries.append(Delivery(user.username, user.email, label, "failed"))
            continue
        try:
            _send(user, job, label, month)
        except Exception:  # SMTP down: the next run mails the stored workbook
            logger.exception("Monthly report for user %s not sent", user.pk)
            deliveries.append(Delivery(user.username, user.email, label, "failed", job.size))
            continue
        ExportJob.objects.filter(pk=job.pk, emailed_at__isnull=True).update(emailed_at=now)
        deliveries.append(Delivery(user.username, user.email, label, "sent", job.size))
    return deliveries
