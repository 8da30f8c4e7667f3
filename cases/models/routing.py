"""Routing rules: ordered conditions over a new case and the area it goes to (SPEC §5)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from infonavit_atencion.core.models import TimeStampedModel


class AssignmentStrategy(models.TextChoices):
    NONE = "none", _("Sin asignación (la toma quien la atienda)")
    ROUND_ROBIN = "round_robin", _("Por turno (round-robin)")
    LEAST_LOADED = "least_loaded", _("A quien tenga menos casos abiertos")


class RoutingRule(TimeStampedModel):
    """First matching active rule wins; an empty condition matches anything.

    Choice-valued conditions (kinds, states, contact types, priorities) and keywords are JSON
    lists; catalog-valued ones are relations so that renaming an office keeps the rule valid.
    """

    name = models.CharField(_("nombre"), max_length=160)
    order = models.PositiveIntegerField(
        _("orden"), help_text=_("Las reglas se evalúan de menor a mayor.")
    )
    active = models.BooleanField(_("activa"), default=True)

    kinds = models.JSONField(_("tipos de caso"), default=list, blank=True)
    services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="+", verbose_name=_("servicios")
    )
    channels = models.ManyToManyField(
        "channels.Channel", blank=True, related_name="+", verbose_name=_("canales")
    )
    offices = models.ManyToManyField(
        "channels.Office", blank=True, related_name="+", verbose_name=_("oficinas")
    )
    states = models.JSONField(_("entidades federativas"), default=list, blank=True)
    contact_types = models.JSONField(_("tipos de contacto"), default=list, blank=True)
    keywords = models.JSONField(
        _("palabras clave"),
        default=list,
        blank=True,
        help_text=_("Se buscan en el asunto y la descripción."),
    )
    priorities = models.JSONField(_("prioridades"), default=list, blank=True)

    directorate = models.ForeignKey(
        "catalog.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dirección destino"),
    )
    area = models.ForeignKey(
        "catalog.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("área destino"),
    )
    set_priority = models.PositiveSmallIntegerField(
        _("fijar prioridad"),
        null=True,
        blank=True,
        choices=[(1, _("Baja")), (2, _("Normal")), (3, _("Alta")), (4, _("Urgente"))],
    )
    assignment_strategy = models.CharField(
        _("asignación"),
        max_length=20,
        choices=AssignmentStrategy.choices,
        default=AssignmentStrategy.NONE,
    )
    history = HistoricalRecords(m2m_fields=[services, channels, offices])

    class Meta:
        verbose_name = _("regla de turno")
        verbose_name_plural = _("reglas de turno")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(directorate__isnull=False)
                | Q(area__isnull=False)
                | Q(set_priority__isnull=False),
                name="routing_rule_has_an_action",
            ),
            models.CheckConstraint(
                condition=Q(assignment_strategy__in=["none", "round_robin", "least_loaded"]),
                name="routing_rule_strategy_valid",
            ),
        ]
        indexes = [models.Index(fields=["active", "order"], name="routing_rule_active_order_idx")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
