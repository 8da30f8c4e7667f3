"""The three decisions on a message of the "Correo por clasificar" queue (issue 18 §1): turn it
into a case, add it to an existing case, or discard it with a reason.

Each decision is one transaction holding the message's row lock: a message that is no longer
PENDING is refused (409), so two people deciding at once end with exactly one decision. Each
writes the message's outcome (status, who, when, the case or the reason) and one DECIDED event
in its history; a case involved also records in its timeline which message it took.

A case created from a message is registered on CORREO at ``INBOUND_OFFICE`` with the message's
arrival as its reception instant: the legal term runs from when the citizen wrote. That instant
comes from the mailbox, not from the person deciding, so it may be older than intake's 30-day
limit for typed dates (a message left in the queue that long still counts from its arrival).

Attachments are read back from the message's raw bytes and checked like any upload
(`upload_sniff`) before anything is locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from cases.events import Actor, event_instant, event_record
from cases.limits import DESCRIPTION_MAX_LENGTH, SUBJECT_MAX_LENGTH
from cases.models import Case, Comment, EventKind
from cases.selectors.detail import case_get_for
from cases.services import CaseCreateResult, CaseInput, case_citizen_reply, case_create
from cases.services.content import attachment_add, case_locked_open, upload_sniff
from contacts.services import ContactInput
from infonavit_atencion.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .models import InboundMessage, InboundMessageEvent, MessageEventKind, MessageStatus
from .parts import attachment_uploads
from .selectors import inbound_queue_visible_to, sender_contacts
from .services import VIA, reply_body

CORREO = "CORREO"
REASON_MAX_LENGTH = 500  # InboundMessage.reason

__all__ = [
    "NewCase",
    "inbound_message_attach",
    "inbound_message_create_case",
    "inbound_message_discard",
]


@dataclass(frozen=True)
class NewCase:
    """What the person deciding adds to the message to make it a case."""

    service: str
    # One of the base's contacts with the sender's address; None: a new contact from the names.
    contact_id: int | None = None
    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""


def _may_decide(user: User) -> None:
    if not inbound_queue_visible_to(user):
        raise PermissionDenied(_("No tiene acceso al correo por clasificar."))


def _message(message_id: int) -> InboundMessage:
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No existe ese correo."))
    return message


def _pending_locked(message_id: int) -> InboundMessage:
    """The message, locked until the transaction ends; refused unless still PENDING."""
    message = _message_locked(message_id)
    if message.status != MessageStatus.PENDING:
        raise Conflict(
            _("Este correo ya fue clasificado: %(status)s.")
            % {"status": message.get_status_display()},
            extra={"message_status": message.status},
        )
    return message


def _message_locked(message_id: int) -> InboundMessage:
    message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No existe ese correo."))
    return message


def _checked_uploads(message: InboundMessage) -> list[Any]:
    """The message's accepted attachments, each refused now if it is not an acceptable upload."""
    uploads = attachment_uploads(message)
    for upload in uploads:
        upload_sniff(upload, settings.ATTACHMENT_MAX_BYTES)
    return uploads


def _text(message: InboundMessage) -> str:
    """What the citizen wrote: the message's text, else its subject (a case needs words)."""
    text = message.body_text.strip() or message.subject.strip()
    return text[:DESCRIPTION_MAX_LENGTH] or _("Correo sin texto; vea los adjuntos.")


def _decided(
    message: InboundMessage,
    status: str,
    user: User,
    now: dt.datetime,
    *,
    case: Case | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    message.status = status
    message.decided_by = user
    message.decided_at = now
    message.case = case
    message.reason = reason
    message.save(update_fields=["status", "decided_by", "decided_at", "case", "reason"])
    InboundMessageEvent.objects.create(
        message=message,
        kind=MessageEventKind.DECIDED,
        status=status,
        at=now,
        actor=user,
        reason=reason,
        data=data or {},
    )


def _case_origin_record(
    folio: str, message: InboundMessage, actor: Actor, now: dt.datetime
) -> None:
    """The case's timeline says which e-mail it took (the message's id, no personal data)."""
    case = case_locked_open(folio)
    at = event_instant(case, now)
    case.version += 1
    case.save(update_fields=["version", "updated_at"])
    event_record(case, EventKind.UPDATED, actor, at, {"inbound_message": message.pk})


def _contact_input(message: InboundMessage, data: NewCase) -> ContactInput:
    address = message.from_address.strip()
    if data.contact_id is not None:
        contact = next((c for c in sender_contacts(message) if c.pk == data.contact_id), None)
        if contact is None:
            raise ValidationFailed.single(
                "contact_id",
                "not_sender",
                _("El contacto elegido no tiene el correo del remitente."),
            )
        return ContactInput(
            given_names=contact.given_names,
            first_surname=contact.first_surname,
            second_surname=contact.second_surname,
            email=address,
            type=contact.type,
            contact_id=contact.pk,
        )
    return ContactInput(
        given_names=data.given_names,
        first_surname=data.first_surname,
        second_surname=data.second_surname,
        email=address,
    )


def inbound_message_create_case(
    message_id: int, data: NewCase, user: User, now: dt.datetime
) -> CaseCreateResult:
    """Turn a pending message into a case on CORREO (received when the message arrived), for
    the sender's contact (matched or created), with the message's attachments."""
    _may_decide(user)
    actor = Actor(user=user)
    uploads = _checked_uploads(_message(message_id))
    with transaction.atomic():
        message = _pending_locked(message_id)
        contact = _contact_input(message, data)
        result = case_create(
            CaseInput(
                service=data.service,
                channel=CORREO,
                office=settings.INBOUND_OFFICE,
                contact=contact,
                subject=message.subject.strip()[:SUBJECT_MAX_LENGTH],
                description=_text(message),
                received_at=message.received_at,
            ),
            actor,
            now,
            allow_backdating=True,  # the mailbox's instant, see the module docstring
        )
        folio = result.case.folio
        _case_origin_record(folio, message, actor, now)
        attached = [attachment_add(folio, upload, actor, now).pk for upload in uploads]
        _decided(
            message,
            MessageStatus.CASE_CREATED,
            user,
            now,
            case=result.case,
            data={"folio": folio, "attachments": attached},
        )
    return result


def inbound_message_attach(message_id: int, folio: str, user: User, now: dt.datetime) -> Comment:
    """Add a pending message to a case the user may see: its text becomes the citizen's public
    reply (which resumes a case waiting on the citizen) and its attachments the case's."""
    _may_decide(user)
    folio = folio.strip()
    if not folio:
        raise ValidationFailed.single("folio", "required", _("Indique el folio del caso."))
    case = case_get_for(Actor(user=user), folio, catalog=False)  # NotFound outside scope
    uploads: Sequence[Any] = _checked_uploads(_message(message_id))
    with transaction.atomic():
        message = _pending_locked(message_id)
        _case_origin_record(case.folio, message, Actor(user=user), now)
        # Like a reply the reader recognises: the words without the quoted history, by e-mail.
        body = reply_body(message, list(uploads))
        comment = case_citizen_reply(case.folio, body, now, attachments=uploads, via=VIA)
        _decided(
            message,
            MessageStatus.ATTACHED,
            user,
            now,
            case=case,
            data={"folio": case.folio, "comment": comment.pk},
        )
    return comment


def inbound_message_discard(
    message_id: int, reason: str, user: User, now: dt.datetime
) -> InboundMessage:
    """Discard a pending message; the reason is required and kept in its history."""
    _may_decide(user)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed.single(
            "reason", "required", _("Indique por qué se descarta el correo.")
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed.single(
            "reason",
            "max_length",
            _("El motivo admite hasta %(limit)s caracteres.") % {"limit": REASON_MAX_LENGTH},
        )
    with transaction.atomic():
        message = _pending_locked(message_id)
        _decided(message, MessageStatus.DISCARDED, user, now, reason=reason)
    return message
