"""Indicator storage (ADR 0009): per-case facts and spells, daily rollups, targets.

Facts and spells are derived from CaseEvents and rebuilt per case (delete, then insert), so they
carry no foreign-key constraints: nothing else points at them and bulk loads stay cheap.
Rollups are derived from facts and spells per local date. Targets are the only rows people edit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.storage import private_storage
from infonavit_atencion.core.models import TimeStampedModel

from .metrics import COUNTER_FIELDS, HISTOGRAM_FIELDS, METRICS


def _dimension(model: str) -> models.ForeignKey:
    # Derived rows: no constraint and no single-column index (composite indexes serve queries).
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )


class IndicatorFact(models.Model):
    """One counted event of one case (indicators.facts.Fact), with its dimensions at that event."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    metric = models.CharField(max_length=16)
    at = models.DateTimeField()
    date = models.DateField()
    channel = _dimension("channels.Channel")
    directorate = _dimension("catalog.Directorate")
    area = _dimension("catalog.Area")
    office = _dimension("channels.Office")
    service = _dimension("catalog.Service")
    kind = models.CharField(max_length=20)
    within_sla = models.BooleanField(null=True)
    fcr = models.BooleanField(default=False)
    resolution_ms = models.BigIntegerField(null=True)
    bucket = models.SmallIntegerField(null=True)
    csat = models.SmallIntegerField(null=True)
    nps = models.SmallIntegerField(null=True)

    class Meta:
        verbose_name = _("hecho de indicador")
        verbose_name_plural = _("hechos de indicadores")
        indexes = [models.Index(fields=["date", "metric"], name="fact_date_metric_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.metric} {self.date}"


class BacklogSpell(models.Model):
    """A period during which a case was open with fixed dimensions and resolution due instant.

    Local dates are stored for the daily backlog deltas: open at the end of date D iff
    start_date ≤ D < end_date; also past due iff breach_date ≤ D.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    start_at = models.DateTimeField()
    end_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField()
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    breach_date = models.DateField()
    channel = _dimension("channels.Channel")
    directorate = _dimension("catalog.Directorate")
    area = _dimension("catalog.Area")
    office = _dimension("channels.Office")
    service = _dimension("catalog.Service")
    kind = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("periodo abierto")
        verbose_name_plural = _("periodos abiertos")
        indexes = [
            # Backlog at an instant: still open, or ended after it.
            models.Index(
                fields=["start_at"], condition=Q(end_at__isnull=True), name="spell_open_idx"
            ),
            models.Index(fields=["end_at", "start_at"], name="spell_end_idx"),
            models.Index(fields=["start_date"], name="spell_start_date_idx"),
            models.Index(fields=["end_date"], name="spell_end_date_idx"),
            models.Index(fields=["breach_date"], name="spell_breach_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.start_at:%Y-%m-%d}–{self.end_at or ''}"


class RollupBase(models.Model):
    date = models.DateField()

    class Meta:
        abstract = True


for _name in COUNTER_FIELDS:
    (models.BigIntegerField if _name == "resolution_ms" else models.IntegerField)(
        default=0
    ).contribute_to_class(RollupBase, _name)
for _name in HISTOGRAM_FIELDS:
    models.IntegerField(default=0).contribute_to_class(RollupBase, _name)


class DailyRollup(RollupBase):
    """Counters per (local date, channel, directorate, area, office, service, kind)."""

    channel = _dimension("channels.Channel")
    directorate = _dimension("catalog.Directorate")
    area = _dimension("catalog.Area")
    office = _dimension("channels.Office")
    service = _dimension("catalog.Service")
    kind = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("resumen diario")
        verbose_name_plural = _("resúmenes diarios")
        indexes = [models.Index(fields=["date"], name="rollup_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.channel_id}/{self.office_id}/{self.service_id}"


class DailyChannelRollup(RollupBase):
    """The same counters per (local date, channel, directorate): the dashboard's usual cut."""

    channel = _dimension("channels.Channel")
    directorate = _dimension("catalog.Directorate")

    class Meta:
        verbose_name = _("resumen diario por canal")
        verbose_name_plural = _("resúmenes diarios por canal")
        indexes = [models.Index(fields=["date"], name="channel_rollup_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.channel_id}/{self.directorate_id}"


class RollupState(models.Model):
    """The single row that remembers how far the rollups have read the event log."""

    watermark = models.BigIntegerField(_("último evento leído"), default=0)
    refreshed_at = models.DateTimeField(_("última actualización"), null=True)
    rebuilt_at = models.DateTimeField(_("última reconstrucción"), null=True)

    class Meta:
        verbose_name = _("estado de los resúmenes")
        verbose_name_plural = _("estado de los resúmenes")

    def __str__(self) -> str:
        return f"watermark={self.watermark}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Mes")
    QUARTER = "quarter", _("Trimestre")
    YEAR = "year", _("Año")
    CUSTOM = "custom", _("Periodo libre")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("Al menos")
    AT_MOST = "at_most", _("A lo más")


class Target(TimeStampedModel):
    """A shared goal (meta compartida): a metric's value for a channel and/or directorate."""

    name = models.CharField(_("nombre"), max_length=200)
    metric = models.CharField(_("indicador"), max_length=40, choices=[(m, m) for m in METRICS])
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("canal"),
    )
    directorate = models.ForeignKey(
        "catalog.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("dirección"),
    )
    period_kind = models.CharField(
        _("tipo de periodo"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    date_from = models.DateField(_("desde"))
    date_to = models.DateField(_("hasta"))
    value = models.DecimalField(_("valor"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("sentido"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    active = models.BooleanField(_("activa"), default=True)
    notes = models.TextField(
        _("acuerdo"), blank=True, help_text=_("Quién la acordó y cómo se mide.")
    )

    class Meta:
        verbose_name = _("meta compartida")
        verbose_name_plural = _("metas compartidas")
        ordering = ["-date_from", "metric", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__lte=F("date_to")), name="target_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(metric__in=list(METRICS)), name="target_metric_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[d.value for d in Direction]),
                name="target_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A month, quarter or year target covers exactly that calendar period."""
        if self.date_from is None or self.date_to is None:
            return
        if self.date_from > self.date_to:
            raise ValidationError({"date_to": _("El periodo termina antes de empezar.")})
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}.get(
            self.period_kind
        )  # type: ignore[call-overload]
        if months is None:
            return
        start = self.date_from
        aligned = start.day == 1 and (start.month - 1) % months == 0
        last_month = start.month + months - 1
        end = dt.date(start.year + (last_month // 12), last_month % 12 + 1, 1) - dt.timedelta(
            days=1
        )
        if not aligned or self.date_to != end:
            raise ValidationError(
                {
                    "date_from": _(
                        "Un periodo de tipo %(kind)s debe cubrir exactamente un mes, trimestre o año calendario."
                    )
                    % {"kind": self.get_period_kind_display()}
                }
            )


# --- Exports (indicators.exports) -------------------------------------------------------------


class ExportKind(models.TextChoices):
    CASES = "cases", _("Lista de casos")
    INDICATORS = "indicators", _("Tabla de indicadores")
    MONTHLY = "monthly", _("Informe mensual de canales")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En cola")
    RUNNING = "running", _("Generándose")
    DONE = "done", _("Lista")
    FAILED = "failed", _("Falló")
    EXPIRED = "expired", _("Caducada")


class ExportJob(models.Model):
    """One file generated in the background for the person who asked for it (and only them).

    ``params`` holds everything needed to build it again (filters, ordering, timezone, whether
    full contact data was asked for and allowed), so the task takes just the id and is safe to
    run twice. The file lives in private storage and is removed after EXPORT_RETENTION_DAYS;
    the row stays as the record of who exported what.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_jobs",
        verbose_name=_("solicitada por"),
        db_index=False,
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=ExportKind.choices)
    format = models.CharField(_("formato"), max_length=8, choices=ExportFormat.choices)
    title = models.CharField(_("descripción"), max_length=200)
    params = models.JSONField(_("parámetros"), default=dict)
    # The month of a monthly report (its first day); null for other kinds.
    period = models.DateField(_("mes del informe"), null=True, blank=True)
    full_data = models.BooleanField(_("con datos personales completos"), default=False)
    status = models.CharField(
        _("estado"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows_done = models.PositiveIntegerField(_("filas escritas"), default=0)
    rows_total = models.PositiveIntegerField(_("filas en total"), null=True, blank=True)
    file = models.FileField(
        _("archivo"),
        storage=private_storage,
        upload_to="exportaciones/",
        max_length=255,
        blank=True,
    )
    filename = models.CharField(_("nombre de descarga"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"), default=0)
    error = models.TextField(_("motivo del error"), blank=True)
    created_at = models.DateTimeField(_("solicitada"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniciada"), null=True, blank=True)
    # Moves with every progress update: a running job whose heartbeat stopped was abandoned.
    heartbeat_at = models.DateTimeField(_("último avance"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminada"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("enviada por correo"), null=True, blank=True)

    class Meta:
        verbose_name = _("exportación")
        verbose_name_plural = _("exportaciones")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ExportKind]), name="export_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=[f.value for f in ExportFormat]), name="export_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ExportStatus]), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="monthly") | Q(period__isnull=False),
                name="export_monthly_has_period",
            ),
            models.UniqueConstraint(
                fields=["requested_by", "period"],
                condition=Q(kind="monthly"),
                name="export_monthly_once_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_owner_idx"),
            models.Index(
                fields=["finished_at"],
                condition=Q(status="done"),
                name="export_done_finished_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def progress_pct(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
