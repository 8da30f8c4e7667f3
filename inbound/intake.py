"""A case from a pending e-mail (the "Correo por clasificar" page's "create case"): channel
CORREO, the office INBOUND_OFFICE, the legal clock from the moment the e-mail arrived."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cases.events import Actor
from cases.limits import DESCRIPTION_MAX_LENGTH, SUBJECT_MAX_LENGTH
from cases.models import Case
from cases.services.content import attachment_add
from cases.services.intake import CaseInput, case_create
from contacts.models import Contact
from contacts.services import ContactInput
from infonavit_atencion.core.errors import NotFound

from .models import InboundMessage, MessageStatus
from .selectors import message_locked_pending
from .services import message_settle, message_uploads

logger = logging.getLogger(__name__)
CHANNEL = "CORREO"


def sender_contact(message: InboundMessage) -> ContactInput:
    """The sender as the case's contact: the newest record with that e-mail, else a new one."""
    existing = (
        Contact.objects.filter(email__iexact=message.from_address, merged_into__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        return ContactInput(contact_id=existing, email=message.from_address)
    given, first, second = names_from_display(message.from_name)
    return ContactInput(
        given_names=given, first_surname=first, second_surname=second, email=message.from_address
    )


def names_from_display(display: str) -> tuple[str, str, str]:
    """Given names and surnames from a From display name, Mexican style (two surnames last):
    "Ana María Pérez López" → ("Ana María", "Pérez", "López"); "Ana Pérez" → ("Ana", "Pérez",
    ""). A single word gives no surname, so intake asks for the contact (a person completes it)."""
    words = display.replace(",", " ").split()
    if len(words) < 2:
        return (" ".join(words), "", "")
    if len(words) == 2:
        return (words[0], words[1], "")
    return (" ".join(words[:-2]), words[-2], words[-1])


def inbound_message_create_case(
    pk: int,
    *,
    service: str,
    user: Any,
    now: dt.datetime,
    contact: ContactInput | None = None,
    subject: str | None = None,
    description: str | None = None,
) -> Case:
    """Register a case from a pending message; its documents that pass the upload checks are
    attached. `contact` defaults to the sender, subject and description to the message's."""
    message = InboundMessage.objects.filter(pk=pk).first()
    if message is None:
        raise NotFound(_("No existe el correo."))
    uploads = message_uploads(pk)
    actor = Actor(user=user)
    text = (description if description is not None else message.body_text).strip()
    text = text[:DESCRIPTION_MAX_LENGTH]  # the whole message stays stored
    data = CaseInput(
        service=service,
        channel=CHANNEL,
        office=settings.INBOUND_OFFICE,
        contact=contact or sender_contact(message),
        subject=(subject if subject is not None else message.subject).strip()[:SUBJECT_MAX_LENGTH],
        description=text or _("(Correo sin texto; ver los documentos adjuntos.)"),
        received_at=message.received_at,
    )
    with transaction.atomic():
        message = message_locked_pending(pk)
        case = case_create(data, actor, now, allow_backdating=True).case
        for upload in uploads:
            attachment_add(case.folio, upload, actor, now)
        message_settle(message, MessageStatus.CASE_CREATED, now, user=user, case=case)
    logger.info("inbound message %s became case %s", pk, case.folio)
    return case
