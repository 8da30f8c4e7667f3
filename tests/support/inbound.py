"""PENDING inbound e-mails for the tests of the "Correo por clasificar" pages and decisions
(inbound, web and browser tests), stored from real RFC 5322 bytes as the mailbox reader stores
them: the raw message whole, its text, and each attachment's name, type, size and SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.utils import timezone

from inbound.models import InboundMessage, InboundMessageEvent, MessageEventKind, MessageStatus

# A one-page PDF: what `upload_sniff` accepts as application/pdf.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_serial = itertools.count(1)


def email_bytes(
    *,
    sender: str = "ana.perez@example.com",
    sender_name: str = "Ana Pérez López",
    subject: str = "No puedo descargar mi constancia",
    body: str = "Buenas tardes, la página falla al descargar mi constancia.",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    html: str | None = None,
    date: dt.datetime | None = None,
) -> tuple[bytes, str]:
    """An RFC 5322 message (and its Message-ID) with `attachments` as (name, type, bytes)."""
    message = EmailMessage()
    message_id = f"<prueba-{next(_serial)}-{id(message)}@example.com>"
    message["From"] = formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = "atencion@infonavit.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(date or timezone.now())
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(), message_id


def pending_message(
    *,
    received_at: dt.datetime | None = None,
    refused: tuple[str, ...] = (),
    **parts: object,
) -> InboundMessage:
    """A PENDING message stored from `email_bytes(**parts)`, with its STORED event; `refused`
    names attachments the reader refused (listed, not carried)."""
    raw, message_id = email_bytes(**parts)  # type: ignore[arg-type]
    now = timezone.now()
    received_at = received_at or now
    entries: list[dict[str, object]] = [
        {
            "name": name,
            "content_type": content_type,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        for name, content_type, content in parts.get("attachments", ())  # type: ignore[attr-defined]
    ]
    entries.extend({"name": name, "refused": "type_not_allowed"} for name in refused)
    message = InboundMessage.objects.create(
        message_id=message_id,
        from_address=str(parts.get("sender", "ana.perez@example.com")),
        from_name=str(parts.get("sender_name", "Ana Pérez López")),
        subject=str(parts.get("subject", "No puedo descargar mi constancia")),
        received_at=received_at,
        stored_at=now,
        raw=raw,
        body_text=str(
            parts.get("body", "Buenas tardes, la página falla al descargar mi constancia.")
        ),
        attachments=entries,
        status=MessageStatus.PENDING,
    )
    InboundMessageEvent.objects.create(
        message=message, kind=MessageEventKind.STORED, status=MessageStatus.PENDING, at=now
    )
    return message
