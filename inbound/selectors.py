"""Reads of inbound e-mail: who may classify it, the "Correo por clasificar" queue, one message
with its history, and one of its attachments.

The queue belongs to the office of the e-mail channel (setting ``INBOUND_OFFICE``, the office
where cases created from e-mail are registered): its agents classify; supervisors whose scope
covers that office (the office itself, its delegación, national) and administrators may too.
Nobody else sees the queue or any message in it (403): a message is personal data of someone who
is not yet a case anyone may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from cases.services.content import SniffedUpload, upload_sniff
from channels.models import Office
from contacts.models import Contact
from contacts.selectors import contacts_by_email
from infonavit_atencion.core.errors import ApplicationError, NotFound

from .models import InboundMessage, InboundMessageEvent, MessageStatus
from .parts import AcceptedAttachment, accepted_attachments, attachment_uploads

PAGE_SIZE = 25
# Columns the queue never needs (the raw message may be megabytes).
HEAVY_FIELDS = ("raw", "body_text", "references", "in_reply_to")


def _profile(user: Any) -> Any | None:
    try:
        return user.profile
    except (AttributeError, ObjectDoesNotExist):
        return None


def inbound_office() -> Office | None:
    """The office of the e-mail channel (``INBOUND_OFFICE``), if it exists."""
    return Office.objects.filter(code=settings.INBOUND_OFFICE).first()


def inbound_queue_visible_to(user: Any) -> bool:
    """Whether `user` may see and decide on the "Correo por clasificar" queue."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    profile = _profile(user)
    if profile is None:
        return False
    if profile.role == Role.ADMIN:
        return True
    if profile.role == Role.SUPERVISOR and profile.supervisor_scope == SupervisorScope.NATIONAL:
        return True
    if profile.role not in (Role.AGENT, Role.SUPERVISOR) or profile.office_id is None:
        return False
    office = inbound_office()
    if office is None:
        return False
    if profile.role == Role.AGENT or profile.supervisor_scope == SupervisorScope.OFFICE:
        return bool(profile.office_id == office.pk)
    if profile.supervisor_scope == SupervisorScope.DELEGACION:
        return profile.office_id in (office.pk, office.parent_id)
    return False


def inbound_pending_count() -> int:
    """How many messages wait to be classified (the navigation's badge)."""
    return InboundMessage.objects.filter(status=MessageStatus.PENDING).count()


def inbound_pending_page(page_number: Any) -> Page:
    """One page of the queue, oldest arrival first (`inbound_pending_idx`). The caller has
    checked `inbound_queue_visible_to`."""
    messages = (
        InboundMessage.objects.filter(status=MessageStatus.PENDING)
        .defer(*HEAVY_FIELDS)
        .select_related("suggested_case")
        .order_by("received_at", "id")
    )
    return Paginator(messages, PAGE_SIZE).get_page(page_number)


@dataclass(frozen=True)
class MessageDetail:
    message: InboundMessage
    events: list[InboundMessageEvent]
    attachments: list[AcceptedAttachment]
    refused: list[dict[str, Any]]
    # Contacts of the base with the sender's address: whom a new case may be for.
    sender_contacts: list[Contact]


def _not_found() -> NotFound:
    return NotFound(_("No existe ese correo."))


def inbound_message_get(message_id: int) -> InboundMessage:
    """A message by id, any status; NotFound if there is none."""
    message = (
        InboundMessage.objects.select_related("case", "suggested_case", "decided_by")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise _not_found()
    return message


def inbound_message_detail(message_id: int) -> MessageDetail:
    """A message (any status: nothing is lost) with its history, oldest first. The caller has
    checked `inbound_queue_visible_to`."""
    message = inbound_message_get(message_id)
    events = list(
        InboundMessageEvent.objects.filter(message=message)
        .select_related("actor")
        .order_by("at", "id")
    )
    entries = [entry for entry in message.attachments or [] if isinstance(entry, dict)]
    return MessageDetail(
        message=message,
        events=events,
        attachments=accepted_attachments(message),
        refused=[entry for entry in entries if entry.get("refused")],
        sender_contacts=sender_contacts(message),
    )


def sender_contacts(message: InboundMessage) -> list[Contact]:
    return contacts_by_email(message.from_address) if message.from_address else []


@dataclass(frozen=True)
class MessageFile:
    name: str
    content: bytes
    sniffed: SniffedUpload


def inbound_attachment_get(message_id: int, index: int) -> MessageFile:
    """One accepted attachment's bytes and its sniffed type (the same check as any upload);
    NotFound for a missing, refused or no longer acceptable one."""
    message = inbound_message_get(message_id)
    item = next((a for a in accepted_attachments(message) if a.index == index), None)
    if item is None:
        raise NotFound(_("El correo no tiene ese adjunto."))
    try:
        upload = attachment_uploads(message, only=item)[0]
        sniffed = upload_sniff(upload, settings.ATTACHMENT_MAX_BYTES)
    except ApplicationError as error:
        raise NotFound(_("El correo no tiene ese adjunto.")) from error
    return MessageFile(name=item.name, content=upload.read(), sniffed=sniffed)
