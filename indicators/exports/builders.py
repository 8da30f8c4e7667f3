"""What each kind of export contains, and writing it to a file: shared by the synchronous
answers (views) and the background jobs (jobs.export_job_run)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.events import Actor
from infonavit_atencion.core.errors import PermissionDenied

from ..dimensions import indicator_filters, indicator_scope_for
from ..selectors import indicators_compute
from .case_rows import (
    CHUNK,
    case_export_queryset,
    case_headers,
    case_policy,
    case_rows,
    case_widths,
    logged,
)
from .indicator_rows import indicator_headers, indicator_rows, indicator_widths
from .labels import GROUP_LABELS, catalog_names
from .params import CaseExportParams, IndicatorExportParams
from .writers import CsvTableWriter, TableWriter, XlsxTableWriter, open_csv

PROGRESS_EVERY = 1000


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


@dataclass
class ExportTable:
    """One table ready to write: titles, the rows (an iterator: read once) and the notes."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    tz: ZoneInfo
    widths: Sequence[int] = ()
    notes: list[tuple[str, Any]] = field(default_factory=list)
    full_data: bool = False
    count: int | None = None  # rows, when known before writing


def _filters_text(params: CaseExportParams) -> str:
    parts = []
    for name, value in vars(params.filters).items():
        if value in (None, "", (), [], False):
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(zone(params.tz_name)).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, (list, tuple)):
            value = ", ".join(value)
        parts.append(f"{name}: {value}")
    return "; ".join(parts) or _("ninguno")


def case_queryset(actor: Actor, params: CaseExportParams) -> Any:
    policy = case_policy(actor, full_data=params.full_data)
    return case_export_queryset(actor, params.filters, params.ordering, params.now, policy)


def case_table(
    actor: Actor,
    params: CaseExportParams,
    queue_label: str,
    *,
    rows: Iterable[Any] | None = None,
    now: dt.datetime,
) -> ExportTable:
    """The case list of `params` for `actor`; `rows` when already read (the small answer)."""
    policy = case_policy(actor, full_data=params.full_data)
    if rows is None:
        rows = case_queryset(actor, params).iterator(chunk_size=CHUNK)
    tz = zone(params.tz_name)
    audited = logged(rows, policy, actor, now)
    return ExportTable(
        title=_("Casos"),
        headers=case_headers(policy, params.tz_name),
        rows=case_rows(audited, policy, catalog_names(), params.now),
        tz=tz,
        widths=case_widths(policy),
        notes=[
            (_("Contenido"), _("Casos de la bandeja «%(queue)s»") % {"queue": queue_label}),
            (_("Filtros"), _filters_text(params)),
            (_("Orden"), params.ordering),
            (_("Consultado"), params.now),
            (_("Solicitado por"), actor.user.get_username() if actor.user else ""),
            (
                _("Datos personales"),
                _("completos (cada contacto queda en la bitácora de consultas)")
                if policy.unmask
                else _("enmascarados (NSS, CURP, RFC, correo y teléfono)"),
            ),
            (
                _("Identidad reservada"),
                _("incluida (rol de integridad)") if policy.sealed else _("no incluida"),
            ),
            (_("Zona horaria"), params.tz_name),
        ],
        full_data=policy.unmask or policy.sealed,
    )


def indicator_table(
    actor: Actor, params: IndicatorExportParams, *, now: dt.datetime
) -> ExportTable:
    """The indicator table of `params` within `actor`'s scope (PermissionDenied without one)."""
    scope = indicator_scope_for(actor)
    if scope is None:
        raise PermissionDenied()
    filters = indicator_filters(**params.codes).merged(scope)
    table = indicators_compute(
        params.date_from, params.date_to, params.group_by, filters, now=params.now or now
    )
    grouped = ", ".join(str(GROUP_LABELS[name]) for name in params.group_by) or _("ninguna")
    return ExportTable(
        title=_("Indicadores"),
        headers=indicator_headers(params.group_by),
        rows=indicator_rows(table.rows, table.group_by, catalog_names()),
        tz=zone(params.tz_name),
        widths=indicator_widths(params.group_by),
        count=len(table.rows),
        notes=[
            (_("Contenido"), _("Indicadores de atención (especificación §7)")),
            (_("Periodo"), f"{params.date_from.isoformat()} – {params.date_to.isoformat()}"),
            (_("Agrupado por"), grouped),
            (
                _("Filtros"),
                "; ".join(f"{name}: {', '.join(codes)}" for name, codes in params.codes.items())
                or _("ninguno"),
            ),
            (_("Consultado"), params.now or now),
            (_("Solicitado por"), actor.user.get_username() if actor.user else ""),
        ],
    )


def write_table(
    table: ExportTable,
    fmt: str,
    target: str | IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `table` to `target` (a path or a binary file) as CSV or XLSX; `progress(rows)`
    every PROGRESS_EVERY rows. Returns the number of rows written."""
    written = 0
    stream = open_csv(target) if fmt == "csv" else None
    try:
        writer: TableWriter = (
            CsvTableWriter(stream, table.tz) if stream else XlsxTableWriter(target, table.tz)
        )
        writer.table(table.title, table.headers, table.widths)
        for values in table.rows:
            writer.row(values)
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
        if table.notes:
            writer.notes(_("Parámetros"), [*table.notes, (_("Filas"), written)])
        writer.finish()
    finally:
        if stream is not None and isinstance(target, str):
            stream.close()
        elif isinstance(stream, io.TextIOWrapper):
            stream.flush()
            stream.detach()  # the caller's binary file stays open
    return written


def download_name(stem: str, fmt: str, now: dt.datetime, tz: ZoneInfo) -> str:
    """`casos-vencidos-2026-11-18-1030.xlsx`: ASCII, no spaces, the local time it was asked."""
    stamp = now.astimezone(tz).strftime("%Y-%m-%d-%H%M")
    return f"{slugify(stem)[:60] or 'exportacion'}-{stamp}.{fmt}"
