"""Webhook subscriptions of API clients and their deliveries: the outbox (SPEC §8).

A delivery row is written in the same transaction that changes the case (see
:func:`webhooks.services.webhook_events_record`, called through ``cases.ports``), so an event is never lost: the task queued on
commit sends it, and a sweeper re-queues every pending delivery whose time has come.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import ports


class WebhookEvent(models.TextChoices):
    """The case events a subscription may ask for: the cases app's own (``cases.ports``)."""

    CASE_CREATED = ports.CASE_CREATED, _("Caso registrado")
    CASE_ROUTED = ports.CASE_ROUTED, _("Caso turnado")
    CASE_STATUS_CHANGED = ports.CASE_STATUS_CHANGED, _("Cambio de estado del caso")
    CASE_SLA_BREACHED = ports.CASE_SLA_BREACHED, _("Plazo del caso vencido")


class WebhookSubscription(models.Model):
    """An API client's wish to be told about case events at `url`.

    ``secret`` is stored as given (not hashed): signing needs the key itself, and a digest
    cannot produce an HMAC. It is shown to the client only in the creation answer, never in
    the API or the admin afterwards, and blanked when the subscription is deleted.
    Deleting a subscription deactivates it, so its delivery log stays for audit.
    """

    client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("cliente de la API"),
        db_index=False,  # the (client, url) constraint's index starts with it
    )
    url = models.CharField(_("URL"), max_length=2000)
    events = models.JSONField(_("eventos"), default=list)
    secret = models.CharField(_("secreto de firma"), max_length=200, blank=True)
    active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("creada"))
    deactivated_at = models.DateTimeField(_("eliminada"), null=True, blank=True)

    class Meta:
        verbose_name = _("suscripción a webhooks")
        verbose_name_plural = _("suscripciones a webhooks")
        ordering = ["client", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "url"],
                condition=Q(active=True),
                name="webhook_subscription_client_url_active_uniq",
            ),
            models.CheckConstraint(
                condition=Q(active=False) | Q(deactivated_at__isnull=True),
                name="webhook_subscription_active_not_deactivated",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "active"], name="webhook_sub_client_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    DELIVERED = "delivered", _("Entregado")
    FAILED = "failed", _("Fallido")


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row and its delivery state.

    ``payload`` is the body `{id, type, created_at, data}`; every attempt sends the same
    serialization of it. While pending, ``next_attempt_at`` is when it is due (an attempt in
    progress has already pushed it to its retry instant, so it is not sent twice at once).
    """

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("suscripción"),
        db_index=False,  # webhook_delivery_sub_created_idx starts with it
    )
    event_id = models.UUIDField(_("id del evento"), unique=True)
    event_type = models.CharField(_("evento"), max_length=40, choices=WebhookEvent.choices)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("caso"),
    )
    payload = models.JSONField(_("cuerpo"))
    status = models.CharField(
        _("estado"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    next_attempt_at = models.DateTimeField(_("próximo intento"))
    last_status_code = models.PositiveSmallIntegerField(
        _("último código HTTP"), null=True, blank=True
    )
    last_error = models.TextField(_("último error"), blank=True)
    created_at = models.DateTimeField(_("creado"))
    delivered_at = models.DateTimeField(_("entregado"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrega de webhook")
        verbose_name_plural = _("entregas de webhooks")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper: pending deliveries by due instant.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            # The delivery log of a subscription, newest first.
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]),
                name="webhook_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_has_instant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("entrega"),
        db_index=False,  # webhook_attempt_number_uniq starts with it
    )
    number = models.PositiveSmallIntegerField(_("intento"))
    at = models.DateTimeField(_("momento"))
    status_code = models.PositiveSmallIntegerField(_("código HTTP"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duración (ms)"), default=0)

    class Meta:
        verbose_name = _("intento de entrega")
        verbose_name_plural = _("intentos de entrega")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_number_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"
