"""Reads of inbound e-mail: the "Correo por clasificar" queue and a message's history."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import InvalidTransition, NotFound

from .models import InboundMessage, InboundMessageEvent, MessageStatus


def messages_pending() -> QuerySet[InboundMessage]:
    """The messages a person must classify, oldest first (rate-limited and ignored ones are not
    shown one by one)."""
    return (
        InboundMessage.objects.filter(status=MessageStatus.PENDING)
        .select_related("suggested_case")
        .defer("raw")
        .order_by("received_at", "id")
    )


def message_history(pk: int) -> QuerySet[InboundMessageEvent]:
    return (
        InboundMessageEvent.objects.filter(message_id=pk)
        .select_related("actor")
        .order_by("at", "id")
    )


def message_locked_pending(pk: int) -> InboundMessage:
    """The message, locked for the transaction; refused (409) once it was settled."""
    message = InboundMessage.objects.select_for_update().filter(pk=pk).first()
    if message is None:
        raise NotFound(_("No existe el correo."))
    if message.status != MessageStatus.PENDING:
        raise InvalidTransition(
            _("Este correo ya fue clasificado: «%(status)s».")
            % {"status": message.get_status_display()},
            extra={"message_status": message.status},
        )
    return message
