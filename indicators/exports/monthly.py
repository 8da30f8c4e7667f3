"""The monthly channel-efficiency workbook (SPEC §1: "reports and statistics on channel
efficiency"): tables and native Excel charts for one month and one scope.

Sheets:

* **Resumen** — period, scope, when it was generated, and every metric for the whole scope;
* **Por canal** — every metric per channel; charts: received and resolutions, and SLA
  compliance, per channel;
* **Canal y dirección** — every metric per channel × directorate, and a pivot of the cases
  received with a stacked chart;
* **Metas** — the shared goals whose period overlaps the month (of the scope's directorate, or
  without one), each met / at risk / missed as evaluated when the report is built, and a chart
  of how many are in each state;
* **Tendencia diaria** — every day of the month (days with nothing count zero): received,
  resolutions, within SLA, compliance and the backlog at the end of the day; two line charts.

Every number comes from ``indicators_compute`` with the scope as filters, exactly as the
dashboard and the API compute it. Text cells go through the writers' formula neutralisation.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cases.notices.notifications import SPANISH_MONTHS

from ..dimensions import IndicatorFilters
from ..metrics import INDICATOR_TZ, METRICS
from ..models import Target
from ..selectors import indicators_compute, target_evaluate
from .indicator_rows import indicator_headers, indicator_rows, indicator_widths
from .labels import METRIC_LABELS, TARGET_STATUS_LABELS, CatalogNames, catalog_names
from .writers import xlsx_cell

SHEETS = ("Resumen", "Por canal", "Canal y dirección", "Metas", "Tendencia diaria")
TREND_METRICS = (
    "received",
    "resolutions",
    "resolved_within_sla",
    "sla_compliance_pct",
    "backlog",
    "backlog_breached",
)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_label(month: dt.date) -> str:
    return f"{SPANISH_MONTHS[month.month - 1]} de {month.year}"


def _append(ws: Any, values: Sequence[Any], *, bold: bool = False) -> None:
    ws.append([xlsx_cell(v, INDICATOR_TZ) for v in values])
    if bold:
        for cell in ws[ws.max_row]:
            cell.font = BOLD


def _widths(ws: Any, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _bar(title: str, y_title: str, *, stacked: bool = False) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.height, chart.width = 8, 18
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _line(title: str, y_title: str) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.height, chart.width = 8, 24
    chart.x_axis.number_format = "dd"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _series(chart: Any, ws: Any, columns: Sequence[int], first: int, last: int, cats: int) -> None:
    """Series from `columns` (titles in row `first` - 1), categories from column `cats`."""
    for column in columns:
        chart.add_data(
            Reference(ws, min_col=column, min_row=first - 1, max_row=last), titles_from_data=True
        )
    chart.set_categories(Reference(ws, min_col=cats, min_row=first, max_row=last))


def _table_sheet(
    wb: Workbook, title: str, group_by: list[str], rows: list[dict], names: CatalogNames
) -> Any:
    ws = wb.create_sheet(title)
    _widths(ws, indicator_widths(group_by))
    _append(ws, indicator_headers(group_by), bold=True)
    ws.freeze_panes = "A2"
    for values in indicator_rows(rows, group_by, names):
        _append(ws, values)
    if not rows:
        _append(ws, [_("Sin datos en el periodo.")])
    return ws


def _metric_column(group_by: list[str], metric: str) -> int:
    keys = sum(2 if name != "day" and name != "kind" else 1 for name in group_by)
    return keys + METRICS.index(metric) + 1


def _summary(
    wb: Workbook, month: dt.date, scope_label: str, rows: list[dict], now: dt.datetime
) -> None:
    ws = wb.active
    ws.title = SHEETS[0]
    _widths(ws, (44, 60))
    ws.append([_("Informe mensual de eficiencia de canales")])
    ws["A1"].font = TITLE
    first, last = month_bounds(month)
    ws.append([])
    for label, value in (
        (_("Periodo"), f"{month_label(month)} ({first.isoformat()} – {last.isoformat()})"),
        (_("Ámbito"), scope_label),
        (_("Generado"), now),
        (
            _("Fuente"),
            _(
                "Indicadores de atención calculados de los eventos de los casos, por fecha local "
                "de la Ciudad de México; cada caso cuenta con el canal y la dirección que tenía "
                "en el evento contado."
            ),
        ),
    ):
        _append(ws, [label, value])
        ws.cell(row=ws.max_row, column=1).font = BOLD
    ws.append([])
    _append(ws, [_("Indicador"), _("Valor")], bold=True)
    totals = rows[0] if rows else {}
    for metric in METRICS:
        _append(ws, [METRIC_LABELS[metric], totals.get(metric)])


def _per_channel(wb: Workbook, rows: list[dict], names: CatalogNames) -> None:
    group_by = ["channel"]
    ws = _table_sheet(wb, SHEETS[1], group_by, rows, names)
    if not rows:
        return
    last = len(rows) + 1
    volume = _bar(_("Casos recibidos y resueltos por canal"), _("casos"))
    _series(
        volume,
        ws,
        [_metric_column(group_by, "received"), _metric_column(group_by, "resolutions")],
        2,
        last,
        2,
    )
    ws.add_chart(volume, f"A{last + 3}")
    compliance = _bar(_("Cumplimiento de plazo por canal"), "%")
    _series(compliance, ws, [_metric_column(group_by, "sla_compliance_pct")], 2, last, 2)
    ws.add_chart(compliance, f"H{last + 3}")


def _channel_directorate(wb: Workbook, rows: list[dict], names: CatalogNames) -> None:
    group_by = ["channel", "directorate"]
    ws = _table_sheet(wb, SHEETS[2], group_by, rows, names)
    if not rows:
        return
    channels = sorted({r["channel"] or "" for r in rows})
    directorates = sorted({r["directorate"] or "" for r in rows})
    received = {(r["channel"] or "", r["directorate"] or ""): r["received"] for r in rows}
    ws.append([])
    start = ws.max_row + 1
    _append(ws, [_("Casos recibidos por canal y dirección")], bold=True)
    header = [_("Canal")] + [
        names.name_of_code("directorate", code) or code or _("Sin dirección")
        for code in directorates
    ]
    _append(ws, header, bold=True)
    for channel in channels:
        name = names.name_of_code("channel", channel) or channel or _("Sin canal")
        _append(ws, [name] + [received.get((channel, d), 0) for d in directorates])
    first, last = start + 2, start + 1 + len(channels)
    chart = _bar(_("Casos recibidos por canal y dirección"), _("casos"), stacked=True)
    _series(chart, ws, range(2, 2 + len(directorates)), first, last, 1)
    ws.add_chart(chart, f"A{last + 3}")


def _targets(wb: Workbook, month: dt.date, scope: IndicatorFilters, now: dt.datetime) -> None:
    ws = wb.create_sheet(SHEETS[3])
    _widths(ws, (40, 34, 22, 22, 12, 12, 12, 12, 12, 14, 14))
    first, last = month_bounds(month)
    targets = Target.objects.filter(active=True, date_from__lte=last, date_to__gte=first)
    if scope.directorate is not None:  # a directorate's supervisor: its goals and shared ones
        targets = targets.filter(
            Q(directorate__isnull=True) | Q(directorate_id__in=sorted(scope.directorate))
        )
    targets = targets.select_related("channel", "directorate").order_by("metric", "id")
    _append(
        ws,
        [
            _("Meta"), _("Indicador"), _("Canal"), _("Dirección"), _("Desde"), _("Hasta"),
            _("Sentido"), _("Valor meta"), _("Real"), _("Estado"), _("Evaluada hasta"),
        ],
        bold=True,
    )  # fmt: skip
    ws.freeze_panes = "A2"
    counts = {"met": 0, "at_risk": 0, "missed": 0}
    for target in targets:
        result = target_evaluate(target, now)
        counts[result.status] += 1
        _append(
            ws,
            [
                target.name,
                METRIC_LABELS[target.metric],
                target.channel.name if target.channel else _("Todos"),
                target.directorate.name if target.directorate else _("Todas"),
                target.date_from,
                target.date_to,
                target.get_direction_display(),
                float(target.value),
                result.actual,
                TARGET_STATUS_LABELS[result.status],
                result.evaluated_to,
            ],
        )
    if not sum(counts.values()):
        _append(ws, [_("No hay metas vigentes en el periodo.")])
    ws.append([])
    start = ws.max_row + 1
    _append(ws, [_("Estado"), _("Metas")], bold=True)
    for status, count in counts.items():
        _append(ws, [TARGET_STATUS_LABELS[status], count])
    chart = PieChart()
    chart.title = _("Metas cumplidas, en riesgo e incumplidas")
    chart.height, chart.width = 8, 12
    _series(chart, ws, [2], start + 1, start + 3, 1)
    ws.add_chart(chart, f"D{start}")


def _daily(wb: Workbook, month: dt.date, rows: list[dict]) -> None:
    ws = wb.create_sheet(SHEETS[4])
    _widths(ws, (12, *([18] * len(TREND_METRICS))))
    _append(ws, [_("Día"), *(METRIC_LABELS[m] for m in TREND_METRICS)], bold=True)
    ws.freeze_panes = "A2"
    by_day = {row["day"]: row for row in rows}
    first, last = month_bounds(month)
    day = first
    while day <= last:
        row = by_day.get(day.isoformat(), {})
        values = [
            row.get(m, 0 if m not in ("sla_compliance_pct",) else None) for m in TREND_METRICS
        ]
        _append(ws, [day, *values])
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
        day += dt.timedelta(days=1)
    end = ws.max_row
    volume = _line(_("Casos recibidos y resueltos por día"), _("casos"))
    _series(volume, ws, [2, 3], 2, end, 1)
    ws.add_chart(volume, "I2")
    backlog = _line(_("Pendientes al cierre de cada día"), _("casos"))
    _series(backlog, ws, [6, 7], 2, end, 1)
    ws.add_chart(backlog, "I20")


def monthly_workbook(
    month: dt.date, scope: IndicatorFilters, scope_label: str, now: dt.datetime
) -> bytes:
    """The workbook of `month` (any date in it) for `scope`, as XLSX bytes."""
    first, last = month_bounds(month)
    names = catalog_names()

    def rows(group_by: list[str]) -> list[dict]:
        return indicators_compute(first, last, group_by, scope, now=now).rows

    wb = Workbook()
    _summary(wb, first, scope_label, rows([]), now)
    _per_channel(wb, rows(["channel"]), names)
    _channel_directorate(wb, rows(["channel", "directorate"]), names)
    _targets(wb, first, scope, now)
    _daily(wb, first, rows(["day"]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
