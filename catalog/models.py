"""The institutional service catalog: who owns each service, where it is offered, its SLA."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from infonavit_atencion.core.models import TimeStampedModel, code_field


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Queja")
    REPORT = "report", _("Denuncia")
    INFRACTION = "infraction", _("Infracción")
    PROCEDURE = "procedure", _("Trámite")
    SERVICE = "service", _("Servicio")
    ADVICE = "advice", _("Asesoría")
    STATEMENT = "statement", _("Manifestación")
    INFORMATION = "information", _("Información")
    EXCEPTIONAL = "exceptional", _("Caso no previsto")


class SlaUnit(models.TextChoices):
    BUSINESS_MINUTES = "business_minutes", _("minutos hábiles")
    BUSINESS_HOURS = "business_hours", _("horas hábiles")
    BUSINESS_DAYS = "business_days", _("días hábiles")
    CALENDAR_HOURS = "calendar_hours", _("horas naturales")
    CALENDAR_DAYS = "calendar_days", _("días naturales")


class Directorate(TimeStampedModel):
    code = code_field()
    name = models.CharField(_("nombre"), max_length=160)
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dirección")
        verbose_name_plural = _("direcciones")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Area(TimeStampedModel):
    """The unit that works a case: it belongs to one directorate."""

    code = code_field()
    name = models.CharField(_("nombre"), max_length=160)
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="areas", verbose_name=_("dirección")
    )
    calendar = models.ForeignKey(
        "channels.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="areas",
        verbose_name=_("calendario"),
    )
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("área")
        verbose_name_plural = _("áreas")
        ordering = ["directorate__code", "code"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TimeStampedModel):
    """Targets for first response and resolution. Cases snapshot them at creation."""

    code = code_field()
    name = models.CharField(_("nombre"), max_length=160)
    first_response_value = models.PositiveIntegerField(
        _("primera respuesta: plazo"), null=True, blank=True
    )
    first_response_unit = models.CharField(
        _("primera respuesta: unidad"), max_length=20, choices=SlaUnit.choices, blank=True
    )
    resolution_value = models.PositiveIntegerField(_("resolución: plazo"))
    resolution_unit = models.CharField(
        _("resolución: unidad"), max_length=20, choices=SlaUnit.choices
    )
    calendar = models.ForeignKey(
        "channels.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("calendario"),
        help_text=_("Vacío: el de la oficina en canales presenciales, si no el INSTITUCIONAL."),
    )
    warn_pct = models.PositiveSmallIntegerField(
        _("umbral de alerta (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    # A term the law lets the institute extend once (ARCO and access-to-information requests:
    # 20 business days, +10 if the titular is told before they run out). Same unit as the
    # resolution target; empty: the term cannot be extended.
    extension_value = models.PositiveIntegerField(
        _("ampliación única del plazo"),
        null=True,
        blank=True,
        help_text=_("En la unidad del plazo de resolución. Vacío: el plazo no admite ampliación."),
    )
    escalate_raise_priority = models.BooleanField(_("al vencer, elevar prioridad"), default=True)
    escalate_notify_supervisors = models.BooleanField(
        _("al vencer, avisar a supervisores"), default=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("política de nivel de servicio")
        verbose_name_plural = _("políticas de nivel de servicio")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(first_response_value__isnull=True) & Q(first_response_unit=""))
                | (Q(first_response_value__gt=0) & ~Q(first_response_unit="")),
                name="sla_first_response_value_and_unit_together",
            ),
            models.CheckConstraint(
                condition=Q(resolution_value__gt=0), name="sla_resolution_positive"
            ),
            models.CheckConstraint(
                condition=Q(extension_value__isnull=True) | Q(extension_value__gt=0),
                name="sla_extension_positive",
            ),
            models.CheckConstraint(
                condition=Q(warn_pct__gte=1, warn_pct__lte=99), name="sla_warn_pct_range"
            ),
            models.CheckConstraint(
                condition=Q(resolution_unit__in=[u.value for u in SlaUnit]),
                name="sla_resolution_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(first_response_unit__in=["", *[u.value for u in SlaUnit]]),
                name="sla_first_response_unit_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    """A catalog entry: one public text for every channel, an owner and an SLA."""

    code = code_field()
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo de caso"), max_length=20, choices=CaseKind.choices)
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("dirección responsable"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="services", verbose_name=_("área por omisión")
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("política de servicio"),
    )
    description = models.TextField(
        _("información pública"),
        help_text=_("Requisitos y pasos; el mismo texto en todos los canales."),
    )
    first_contact_resolution = models.BooleanField(
        _("se puede resolver en el primer contacto"), default=False
    )
    arco_request = models.BooleanField(
        _("solicitud de derechos ARCO"),
        default=False,
        help_text=_(
            "La captura pide el derecho que se ejerce: acceso, rectificación, cancelación u oposición."
        ),
    )
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("servicio")
        verbose_name_plural = _("servicios")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in CaseKind]), name="service_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "active"], name="service_kind_active_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        if self.area_id and self.directorate_id and self.area.directorate_id != self.directorate_id:
            raise ValidationError(
                {"area": _("El área debe pertenecer a la dirección responsable.")}
            )


class ServiceChannel(models.Model):
    """On which channels a service may be registered, with an optional SLA override."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="channel_links", verbose_name=_("servicio")
    )
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        related_name="service_links",
        verbose_name=_("canal"),
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channel_overrides",
        verbose_name=_("política propia del canal"),
    )
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disponibilidad por canal")
        verbose_name_plural = _("disponibilidad por canal")
        ordering = ["service", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["service", "channel"], name="service_channel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} @ {self.channel.code}"


class MacroAction(models.TextChoices):
    """What a macro does to the case's status besides its comment (the lifecycle's actions)."""

    NONE = "", _("Sin cambio de estado")
    RESOLVE = "resolve", _("Resolver")
    PAUSE = "pause", _("Poner en espera del ciudadano")


class MacroPriority(models.TextChoices):
    """The case priorities by their API names (cases.models.case.Priority); blank: unchanged."""

    UNCHANGED = "", _("Sin cambio de prioridad")
    LOW = "low", _("Baja")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Alta")
    URGENT = "urgent", _("Urgente")


class Macro(TimeStampedModel):
    """A named response of a service that staff apply to a case in one click (formerly the
    respuesta tipo): its text becomes a public or internal comment and, optionally, the case's
    priority changes and the case is resolved (the text is the resolution) or paused (with
    `pause_reason`). Applied by `cases.services.macros.case_macro_apply`."""

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="macros",
        verbose_name=_("servicio"),
    )
    title = models.CharField(_("título"), max_length=120)
    body = models.TextField(_("texto"))
    public = models.BooleanField(
        _("comentario público"),
        default=False,
        help_text=_("Si se marca, el texto se envía al ciudadano como respuesta pública."),
    )
    action = models.CharField(
        _("acción de estado"), max_length=10, choices=MacroAction.choices, blank=True, default=""
    )
    pause_reason = models.CharField(
        _("motivo de la espera"),
        max_length=200,
        blank=True,
        help_text=_("Obligatorio si la acción es poner en espera."),
    )
    priority = models.CharField(
        _("prioridad"), max_length=10, choices=MacroPriority.choices, blank=True, default=""
    )
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["service__code", "title"]
        constraints = [
            models.UniqueConstraint(fields=["service", "title"], name="macro_title_unique"),
            models.CheckConstraint(condition=~Q(body=""), name="macro_body_required"),
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in MacroAction]), name="macro_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=[p.value for p in MacroPriority]),
                name="macro_priority_valid",
            ),
            models.CheckConstraint(
                condition=~Q(action=MacroAction.PAUSE) | ~Q(pause_reason=""),
                name="macro_pause_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.action == MacroAction.PAUSE and not self.pause_reason.strip():
            raise ValidationError(
                {"pause_reason": _("Indique el motivo de la espera que aplica esta macro.")}
            )


class CatalogVersion(models.Model):
    """One row whose token changes with every committed change to the tables the catalog
    snapshot reads (``cases.catalog_cache``): database triggers write it in the writer's own
    transaction (migration catalog 0006), so ORM saves, ``update()``, bulk writes, raw SQL and
    TRUNCATE all move it. Nothing in the application writes it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.BigIntegerField(_("marca de versión"))

    class Meta:
        verbose_name = _("versión del catálogo")
        verbose_name_plural = _("versión del catálogo")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="catalog_version_one_row")]

    def __str__(self) -> str:
        return str(self.token)
