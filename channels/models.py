"""Service channels, offices and the business calendars that the SLA clock counts on."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from infonavit_atencion.core.models import TimeStampedModel, code_field

from .geography import MexicanTimezone, State

# "HH:MM" local wall-clock time; "24:00" closes a day at midnight.
HHMM_REGEX = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
hhmm_validator = RegexValidator(HHMM_REGEX, _("Use el formato HH:MM de 24 horas (00:00 a 24:00)."))


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunes")
    TUESDAY = 1, _("martes")
    WEDNESDAY = 2, _("miércoles")
    THURSDAY = 3, _("jueves")
    FRIDAY = 4, _("viernes")
    SATURDAY = 5, _("sábado")
    SUNDAY = 6, _("domingo")


class Channel(TimeStampedModel):
    class Kind(models.TextChoices):
        PRESENCIAL = "presencial", _("Presencial")
        TELEFONICO = "telefonico", _("Telefónico")
        DIGITAL = "digital", _("Digital")
        ESCRITO = "escrito", _("Escrito")

    class Ownership(models.TextChoices):
        PROPIO = "propio", _("Propio")
        EXTERNO = "externo", _("Externo")

    code = code_field()
    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    ownership = models.CharField(_("propiedad"), max_length=10, choices=Ownership.choices)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("canal")
        verbose_name_plural = _("canales")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["presencial", "telefonico", "digital", "escrito"]),
                name="channel_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(ownership__in=["propio", "externo"]), name="channel_ownership_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class BusinessCalendar(TimeStampedModel):
    """Weekly open hours in one timezone, MX official holidays, plus dated exceptions."""

    code = code_field()
    name = models.CharField(_("nombre"), max_length=120)
    timezone = models.CharField(_("zona horaria"), max_length=40, choices=MexicanTimezone.choices)
    observe_holidays = models.BooleanField(
        _("respeta días feriados oficiales"),
        default=True,
        help_text=_("Los días de descanso obligatorio (LFT art. 74) no cuentan como hábiles."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendario hábil")
        verbose_name_plural = _("calendarios hábiles")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class CalendarInterval(models.Model):
    """One weekly open interval. An end before the start spans midnight into the next day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="intervals",
        verbose_name=_("calendario"),
    )
    weekday = models.PositiveSmallIntegerField(_("día de la semana"), choices=Weekday.choices)
    start = models.CharField(_("inicio"), max_length=5, validators=[hhmm_validator])
    end = models.CharField(_("fin"), max_length=5, validators=[hhmm_validator])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("horario semanal")
        verbose_name_plural = _("horarios semanales")
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="interval_weekday_valid"
            ),
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="interval_not_empty"),
            models.CheckConstraint(
                condition=~Q(start="24:00"), name="interval_start_before_midnight"
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"], name="interval_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start}–{self.end}"


def parse_interval_list(text: str) -> list[tuple[str, str]]:
    """Parse "09:00-13:00, 15:00-18:00" into [("09:00", "13:00"), ("15:00", "18:00")]."""
    pairs: list[tuple[str, str]] = []
    for chunk in [c.strip() for c in text.split(",") if c.strip()]:
        parts = [p.strip() for p in chunk.split("-")]
        if len(parts) != 2 or not all(re.match(HHMM_REGEX, p) for p in parts):
            raise ValueError(chunk)
        if parts[0] >= parts[1]:
            raise ValueError(chunk)
        pairs.append((parts[0], parts[1]))
    return pairs


def validate_interval_list(text: str) -> None:
    try:
        parse_interval_list(text)
    except ValueError as bad:
        raise ValidationError(
            _(
                "Intervalo inválido «%(chunk)s». Use HH:MM-HH:MM separados por comas, p. ej. 09:00-13:00, 15:00-18:00."
            ),
            code="interval_list",
            params={"chunk": str(bad)},
        ) from bad


class CalendarException(TimeStampedModel):
    """A dated exception that replaces the weekly hours and holiday status of that date.

    Closed: a non-business day (a día inhábil published in the DOF, a local suspension).
    Open: its own intervals (a special working Saturday, a holiday worked); without intervals
    it is a closed day too.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name=_("calendario"),
    )
    date = models.DateField(_("fecha"))
    closed = models.BooleanField(_("cerrado"), default=True)
    intervals = models.CharField(
        _("horario especial"),
        max_length=200,
        blank=True,
        validators=[validate_interval_list],
        help_text=_("Sólo para días abiertos: HH:MM-HH:MM separados por comas."),
    )
    name = models.CharField(_("motivo"), max_length=200)
    source = models.CharField(
        _("fundamento"), max_length=200, blank=True, help_text=_("p. ej. DOF 13-01-2026")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("excepción de calendario")
        verbose_name_plural = _("excepciones de calendario")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="exception_unique_date"),
            models.CheckConstraint(
                condition=Q(closed=False) | Q(intervals=""),
                name="exception_closed_has_no_intervals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def interval_pairs(self) -> list[tuple[str, str]]:
        return [] if self.closed else parse_interval_list(self.intervals)


class Office(TimeStampedModel):
    class Kind(models.TextChoices):
        DELEGACION = "delegacion", _("Delegación regional")
        CESI = "cesi", _("Centro de Servicio Infonavit (Cesi)")
        CONTACT_CENTRE = "contact_centre", _("Centro de contacto")
        CENTRAL = "central", _("Oficinas centrales")

    code = code_field()
    name = models.CharField(_("nombre"), max_length=160)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("entidad federativa"), max_length=2, choices=State.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("delegación"),
        limit_choices_to={"kind": "delegacion"},
    )
    timezone = models.CharField(_("zona horaria"), max_length=40, choices=MexicanTimezone.choices)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("calendario"),
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="offices", verbose_name=_("canales que atiende")
    )
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords(m2m_fields=[channels])

    class Meta:
        verbose_name = _("oficina")
        verbose_name_plural = _("oficinas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["delegacion", "cesi", "contact_centre", "central"]),
                name="office_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="office_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="cesi") | Q(parent__isnull=True),
                name="office_only_cesi_has_parent",
            ),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="office_state_kind_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.calendar_id and self.calendar.timezone != self.timezone:
            errors["calendar"] = _("El calendario debe usar la misma zona horaria que la oficina.")
        if self.parent is not None and self.parent.kind != Office.Kind.DELEGACION:
            errors["parent"] = _("La oficina superior debe ser una delegación.")
        if errors:
            raise ValidationError(errors)


class CalendarNotice(TimeStampedModel):
    """A change to a calendar's open time held until an administrator confirms it.

    A DOF notice (días inhábiles, a regional suspension of terms, corrected hours) changes the
    law the open cases' terms count on. The change is recorded here first; its preview (how
    many open cases move, by office, service and channel) is shown, and only on confirmation is
    it written to the calendar and the open cases recomputed (`cases.sla.repair`).
    """

    class Action(models.TextChoices):
        EXCEPTION_SET = "exception_set", _("Agregar o cambiar excepción (días)")
        EXCEPTION_REMOVE = "exception_remove", _("Quitar excepción (días)")
        WEEKLY_SET = "weekly_set", _("Cambiar horario semanal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente de confirmar")
        APPLIED = "applied", _("Aplicado")
        DISCARDED = "discarded", _("Descartado")

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("calendario"),
    )
    action = models.CharField(_("cambio"), max_length=20, choices=Action.choices)
    date_from = models.DateField(_("desde"), null=True, blank=True)
    date_to = models.DateField(
        _("hasta"), null=True, blank=True, help_text=_("Vacío: sólo el día «desde».")
    )
    closed = models.BooleanField(_("cerrado"), default=True)
    intervals = models.CharField(
        _("horario especial"),
        max_length=200,
        blank=True,
        validators=[validate_interval_list],
        help_text=_("Sólo para días abiertos: HH:MM-HH:MM separados por comas."),
    )
    weekly = models.TextField(
        _("horario semanal"),
        blank=True,
        help_text=_(
            "Sólo para cambiar el horario semanal: una línea por día, «0 09:00-18:00» "
            "(0 = lunes … 6 = domingo); varios intervalos separados por comas."
        ),
    )
    name = models.CharField(_("motivo"), max_length=200)
    source = models.CharField(
        _("fundamento"), max_length=200, blank=True, help_text=_("p. ej. DOF 27-10-2023")
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    preview = models.JSONField(_("vista previa"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrado por"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aplicado por"),
    )
    applied_at = models.DateTimeField(_("aplicado"), null=True, blank=True)

    class Meta:
        verbose_name = _("aviso de cambio de calendario")
        verbose_name_plural = _("avisos de cambio de calendario")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["exception_set", "exception_remove", "weekly_set"]),
                name="notice_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "applied", "discarded"]),
                name="notice_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(action="weekly_set") | Q(date_from__isnull=False),
                name="notice_dated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calendar.code}: {self.name}"


class NonWorkingDaysNotice(TimeStampedModel):
    """The institute's yearly DOF notice of días inhábiles, as loaded from
    reference_data/dias_inhabiles/<year>.yaml (the record that a year's notice is in)."""

    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    source = models.CharField(_("fundamento"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("aviso anual de días inhábiles")
        verbose_name_plural = _("avisos anuales de días inhábiles")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
