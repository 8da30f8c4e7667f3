"""Exports in the browser: ask for one, follow its progress, download it (owner only).

A request with at most EXPORT_SYNC_MAX_ROWS rows is answered at once (CSV streamed, XLSX built
in memory); a larger one becomes an ExportJob built by Celery, and the browser goes to the job's
page, whose progress bar htmx refreshes until the download link appears. Mounted by
web.export_urls at /exportaciones/ (namespace ``exports``).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.storage import private_storage
from indicators.api.serializers import IndicatorQuerySerializer
from indicators.dimensions import indicator_scope_for
from indicators.exports.builders import (
    ExportTable,
    case_queryset,
    case_table,
    download_name,
    indicator_table,
    write_table,
    zone,
)
from indicators.exports.case_rows import full_data_allowed
from indicators.exports.jobs import (
    export_job_create,
    export_job_file_for,
    export_job_get_for,
    export_jobs_for,
)
from indicators.exports.labels import GROUP_LABELS
from indicators.exports.params import CaseExportParams, IndicatorExportParams
from indicators.exports.writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_stream
from indicators.metrics import GROUP_DIMENSIONS
from indicators.models import ExportKind
from infonavit_atencion.core.errors import NotFound, ValidationFailed

from ..forms import QueueFilterForm
from ..queues import QUEUES, default_queue_for, queue_filters, queues_for
from .common import actor_of, error_text, is_htmx, not_found

FORMATS = ("csv", "xlsx")
FILTER_NAMES = ("channel", "directorate", "area", "office", "service", "kind")
LIST_LIMIT = 100


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_response(table: ExportTable, fmt: str, filename: str) -> HttpResponseBase:
    disposition = content_disposition_header(True, filename) or "attachment"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(table.headers, table.rows, table.tz), content_type=CSV_CONTENT_TYPE
        )
    else:
        buffer = io.BytesIO()
        write_table(table, "xlsx", buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    return _private(response)


def _format(data: QueryDict) -> str | None:
    fmt = (data.get("formato") or "").lower()
    return fmt if fmt in FORMATS else None


# --- Case lists (from a queue) ---------------------------------------------------------------


@login_required
@require_POST
def export_cases(request: HttpRequest) -> HttpResponseBase:
    """The queue's cases with its current filters (`consulta`: the queue page's query)."""
    user = request.user
    offered = [queue.key for queue in queues_for(user)]
    if not offered:
        raise PermissionDenied
    query = QueryDict(request.POST.get("consulta", ""))
    key = query.get("cola") or default_queue_for(user)
    if key not in offered:
        key = offered[0]
    back = f"{reverse('web:queue')}?{query.urlencode()}"
    fmt = _format(request.POST)
    form = QueueFilterForm(query, default_ordering=QUEUES[key].default_ordering)
    if fmt is None or not form.is_valid():
        messages.error(request, _("No se pudo exportar: revise los filtros y el formato."))
        return redirect(back)
    actor, now = actor_of(request), timezone.now()
    params = CaseExportParams(
        filters=queue_filters(user, QUEUES[key], form.refinements()),
        ordering=form.ordering(),
        now=now,
        tz_name=timezone.get_current_timezone_name(),
        full_data=request.POST.get("completos") == "1" and full_data_allowed(actor),
        queue=key,
    )
    label = str(QUEUES[key].label)
    sync_max = settings.EXPORT_SYNC_MAX_ROWS
    try:
        rows = list(case_queryset(actor, params)[: sync_max + 1])
    except ValidationFailed as error:
        messages.error(request, error_text(error))
        return redirect(back)
    filename = download_name(
        _("casos %(queue)s") % {"queue": label}, fmt, now, zone(params.tz_name)
    )
    if len(rows) <= sync_max:
        return _file_response(case_table(actor, params, label, rows=rows, now=now), fmt, filename)
    job = export_job_create(
        user,  # type: ignore[arg-type]
        ExportKind.CASES,
        fmt,
        _("Casos: %(queue)s") % {"queue": label},
        {**params.to_json(), "queue_label": label},
        filename,
        full_data=params.full_data,
    )
    return redirect("exports:job", job.pk)


# --- Indicator tables ------------------------------------------------------------------------


def _indicator_query(data: QueryDict) -> dict[str, str]:
    """The API's query from a form or a link: several checkboxes or a comma list alike."""
    query = {name: data.get(name, "") for name in ("from", "to")}
    for name in ("group_by", *FILTER_NAMES):
        query[name] = ",".join(v for v in data.getlist(name) if v)
    return query


def _indicator_form(
    request: HttpRequest, query: dict[str, str], errors: Any = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    chosen = set(filter(None, query.get("group_by", "").split(",")))
    errors = errors or {}
    context = {
        "date_from": query.get("from") or today.replace(day=1).isoformat(),
        "date_to": query.get("to") or today.isoformat(),
        "errors": [str(m) for messages_ in errors.values() for m in messages_],
        "groups": [(name, GROUP_LABELS[name], name in chosen) for name in GROUP_DIMENSIONS],
        "filters": [(name, GROUP_LABELS[name], query.get(name, "")) for name in FILTER_NAMES],
    }
    return render(request, "indicators/exports/indicators_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def export_indicators(request: HttpRequest) -> HttpResponseBase:
    """The `/api/v1/indicators/` table as a file, in the person's indicator scope. GET never
    writes: a table too large to answer at once asks for a confirmation (POST) first."""
    actor = actor_of(request)
    if indicator_scope_for(actor) is None:
        raise PermissionDenied
    data = request.GET if request.method == "GET" else request.POST
    query = _indicator_query(data)
    if not query["from"] and request.method == "GET":
        return _indicator_form(request, query)
    serializer = IndicatorQuerySerializer(data=query)
    fmt = _format(data) or "xlsx"
    if not serializer.is_valid():
        return _indicator_form(request, query, serializer.errors, status=400)
    valid = serializer.validated_data
    now = timezone.now()
    params = IndicatorExportParams(
        date_from=valid["from"],
        date_to=valid["to"],
        group_by=valid["group_by"],
        codes={name: valid[name] for name in FILTER_NAMES if valid[name]},
        now=now,
        tz_name=timezone.get_current_timezone_name(),
    )
    try:
        table = indicator_table(actor, params, now=now)
    except ValidationFailed as error:
        errors = {e.field: [e.message] for e in error.errors} or {"from": [error_text(error)]}
        return _indicator_form(request, query, errors, status=400)
    stem = _("indicadores %(a)s %(b)s") % {"a": params.date_from, "b": params.date_to}
    filename = download_name(stem, fmt, now, zone(params.tz_name))
    if (table.count or 0) <= settings.EXPORT_SYNC_MAX_ROWS:
        return _file_response(table, fmt, filename)
    if request.method == "GET":
        context = {"query": query, "fmt": fmt, "rows": table.count}
        return render(request, "indicators/exports/confirm.html", context)
    title = _("Indicadores del %(a)s al %(b)s") % {"a": params.date_from, "b": params.date_to}
    job = export_job_create(
        request.user,  # type: ignore[arg-type]
        ExportKind.INDICATORS,
        fmt,
        title,
        params.to_json(),
        filename,
    )
    return redirect("exports:job", job.pk)


# --- Jobs ------------------------------------------------------------------------------------


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(export_jobs_for(request.user)[:LIST_LIMIT])  # type: ignore[arg-type]
    return render(
        request,
        "indicators/exports/job_list.html",
        {"jobs": jobs, "retention_days": settings.EXPORT_RETENTION_DAYS},
    )


def _job_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return export_job_get_for(request.user, pk)  # type: ignore[arg-type]
    except NotFound as error:
        return not_found(request, error.detail)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    if isinstance(job, HttpResponse):
        return job
    return render(
        request,
        "indicators/exports/job_detail.html",
        {"job": job, "retention_days": settings.EXPORT_RETENTION_DAYS},
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls while the job runs (a full page without htmx)."""
    if not is_htmx(request):
        return redirect("exports:job", pk)
    job = _job_or_404(request, pk)
    if isinstance(job, HttpResponse):
        return job
    response = render(request, "indicators/exports/_job_progress.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, to its owner only; anyone else, or a file not ready or expired, gets 404."""
    try:
        job = export_job_file_for(request.user, pk)  # type: ignore[arg-type]
    except NotFound as error:
        return not_found(request, error.detail)
    content_type = CSV_CONTENT_TYPE if job.format == "csv" else XLSX_CONTENT_TYPE
    response = FileResponse(
        private_storage().open(job.file.name, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)
