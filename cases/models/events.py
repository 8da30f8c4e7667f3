"""The append-only timeline of a case. Indicators are computed from it (SPEC §7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CREATED = "created", _("Registrado")
    ROUTED = "routed", _("Turnado")
    ASSIGNED = "assigned", _("Asignado")
    STATUS_CHANGED = "status_changed", _("Cambio de estado")
    COMMENTED = "commented", _("Comentario")
    TRANSFERRED = "transferred", _("Transferido")
    RECLASSIFIED = "reclassified", _("Reclasificado")
    SLA_EXTENDED = "sla_extended", _("Plazo ampliado")
    SLA_WARNING = "sla_warning", _("Plazo en riesgo")
    SLA_BREACHED = "sla_breached", _("Plazo vencido")
    ESCALATED = "escalated", _("Escalado")
    NOTIFIED = "notified", _("Notificación enviada")
    SURVEY_ANSWERED = "survey_answered", _("Encuesta respondida")
    MERGED = "merged", _("Contacto fusionado")
    UPDATED = "updated", _("Actualizado")
    # A calendar change (DOF notice) moved the case's due instants: data has the cause and the
    # old and new instants (cases.sla.repair).
    SLA_RECOMPUTED = "sla_recomputed", _("Plazo recalculado por cambio de calendario")
    # Staff applied a macro (catalog.Macro): data says which and what it did; the comment,
    # priority change and transition it made have their own events.
    MACRO_APPLIED = "macro_applied", _("Macro aplicada")


class CaseEvent(models.Model):
    """One thing that happened to a case. Rows are never updated or deleted.

    Besides the actor and free-form data, each event copies where the case stood when it
    happened (status after the event, channel, office, service, kind, directorate, area):
    indicators count a case under what it was at the counted event, not what it is now.
    A database trigger refuses UPDATE (and DELETE on PostgreSQL) of this table.
    """

    # Foreign keys carry no index of their own: `event_case_timeline_idx` starts with the case,
    # and the catalog references are only ever read through the event. Only the case is a
    # database constraint: the other references are copies of the case's own (checked there)
    # or of the acting user or client, and none of them is ever deleted. Every index and check
    # here is paid on each of the millions of inserts (ADR 0010).
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("caso"),
        db_index=False,
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("momento"), db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuario"),
        db_index=False,
        db_constraint=False,
    )
    actor_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sistema"),
        db_index=False,
        db_constraint=False,
    )
    data = models.JSONField(_("datos"), default=dict, blank=True)

    status = models.CharField(_("estado"), max_length=20)
    case_kind = models.CharField(_("tipo de caso"), max_length=20)
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    office = models.ForeignKey(
        "channels.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    directorate = models.ForeignKey(
        "catalog.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    area = models.ForeignKey(
        "catalog.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # sha256 over this event's content and the previous event's hash in the case's chain
    # (infonavit_atencion.core.hashchain, ADR 0013); set by cases.events, checked by verify_history.
    chain_hash = models.CharField(_("huella"), max_length=64, default="", editable=False)

    class Meta:
        verbose_name = _("evento del caso")
        verbose_name_plural = _("eventos del caso")
        ordering = ["case", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in EventKind]), name="event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(actor_user__isnull=True) | Q(actor_client__isnull=True),
                name="event_single_actor",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "at", "id"], name="event_case_timeline_idx"),
            models.Index(fields=["kind", "at"], name="event_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A tiny guard: the timeline is append-only (the database enforces it too).
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("CaseEvent rows are append-only")
        super().save(*args, **kwargs)
