"""Inbound e-mail (SPEC §11, the CORREO channel): every message read from the mailbox, stored
once, and the one outcome it ends in.

A message is stored by its Message-ID (unique; a message without one gets the SHA-256 of its raw
bytes), so a re-read or a crash between storing it and flagging it \\Seen never duplicates it.
Its raw bytes are kept whole (the reply text and the attachments are derived from them). Its
history is `InboundMessageEvent`: append-only, one row per step (stored, each decision, each
refused attachment), with who did it — a user, or the reader when `actor` is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    """Where a message ended. PENDING is the only one a person may still decide on."""

    PENDING = "pending", _("Por clasificar")
    REPLY_ADDED = "reply_added", _("Respuesta agregada al caso")
    CASE_CREATED = "case_created", _("Caso creado")
    ATTACHED = "attached", _("Agregado a un caso")
    DISCARDED = "discarded", _("Descartado")
    IGNORED = "ignored", _("Ignorado (respuesta automática, rebote o bucle)")
    RATE_LIMITED = "rate_limited", _("Limitado por exceso de mensajes")


FINAL_STATUSES = frozenset(set(MessageStatus) - {MessageStatus.PENDING})
# The outcomes that are tied to a case.
CASE_STATUSES = frozenset(
    {MessageStatus.REPLY_ADDED, MessageStatus.CASE_CREATED, MessageStatus.ATTACHED}
)


class InboundMessage(models.Model):
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    from_address = models.CharField(_("remitente"), max_length=320, blank=True)
    from_name = models.CharField(_("nombre del remitente"), max_length=200, blank=True)
    subject = models.TextField(_("asunto"), blank=True)
    # When it arrived at the mailbox (IMAP INTERNALDATE, else Date, else when it was read): a
    # case created from it counts its legal term from this instant.
    received_at = models.DateTimeField(_("recibido"))
    stored_at = models.DateTimeField(_("leído del buzón"))
    in_reply_to = models.TextField(_("In-Reply-To"), blank=True)
    references = models.TextField(_("References"), blank=True)
    raw = models.BinaryField(_("mensaje original"))
    body_text = models.TextField(_("texto"), blank=True)
    # [{"name", "content_type", "size", "sha256"} | {"name", "refused": code}], in message order.
    attachments = models.JSONField(_("adjuntos"), default=list, blank=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    reason = models.CharField(_("motivo"), max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caso"),
        db_index=False,  # inbound_case_idx
    )
    # A case the message seems to be about (it names one of our e-mails) without proof enough to
    # add it on its own: a hint for the person who classifies it.
    suggested_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caso sugerido"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decidido por"),
    )
    decided_at = models.DateTimeField(_("decidido"), null=True, blank=True)

    class Meta:
        verbose_name = _("correo entrante")
        verbose_name_plural = _("correos entrantes")
        ordering = ["received_at", "id"]
        indexes = [
            # The "Correo por clasificar" queue, oldest first.
            models.Index(
                fields=["received_at", "id"],
                condition=Q(status="pending"),
                name="inbound_pending_idx",
            ),
            # The per-sender rate limit counts a sender's recent messages.
            models.Index(fields=["from_address", "stored_at"], name="inbound_sender_idx"),
            models.Index(fields=["case"], name="inbound_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="inbound_final_is_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["reply_added", "case_created", "attached"])
                | Q(case__isnull=False),
                name="inbound_case_outcome_has_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_status_display()}"


class MessageEventKind(models.TextChoices):
    STORED = "stored", _("Leído del buzón")
    CLASSIFIED = "classified", _("Clasificado")
    DECIDED = "decided", _("Decidido")
    ATTACHMENT_REFUSED = "attachment_refused", _("Adjunto rechazado")


class InboundMessageEvent(models.Model):
    """One step in a message's history; nothing updates or deletes one."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=MessageEventKind.choices)
    status = models.CharField(_("estado resultante"), max_length=20, choices=MessageStatus.choices)
    at = models.DateTimeField(_("cuándo"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quién"),
    )  # empty: the mailbox reader
    reason = models.CharField(_("motivo"), max_length=500, blank=True)
    data = models.JSONField(_("datos"), default=dict, blank=True)

    class Meta:
        verbose_name = _("paso de un correo entrante")
        verbose_name_plural = _("historial de correos entrantes")
        ordering = ["message", "at", "id"]
        indexes = [models.Index(fields=["message", "at", "id"], name="inbound_event_message_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
