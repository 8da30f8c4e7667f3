"""What a stored message carries, read back from its raw bytes: its accepted attachments as
uploads (what `cases.services.content.attachment_add` takes) and the sender's name split into a
contact's names.

The reader kept each accepted attachment's SHA-256 in `InboundMessage.attachments`; the bytes
are found again by that digest among the message's leaf parts, so how the reader walked the
MIME tree does not matter. Attachments the reader refused stay out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import Conflict

from .models import InboundMessage


@dataclass(frozen=True)
class AcceptedAttachment:
    """One attachment of the message the reader accepted, in message order."""

    index: int  # its position in `InboundMessage.attachments`
    name: str
    sha256: str
    size: int


def accepted_attachments(message: InboundMessage) -> list[AcceptedAttachment]:
    """The attachments the reader accepted (metadata only; the raw bytes are not read)."""
    accepted = []
    for index, entry in enumerate(message.attachments or []):
        if not isinstance(entry, dict) or entry.get("refused") or not entry.get("sha256"):
            continue
        accepted.append(
            AcceptedAttachment(
                index=index,
                name=str(entry.get("name") or ""),
                sha256=str(entry["sha256"]),
                size=int(entry.get("size") or 0),
            )
        )
    return accepted


def _leaf_payloads(raw: bytes) -> Iterator[bytes]:
    parsed: Message = message_from_bytes(raw, policy=policy.default)
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            yield payload


def attachment_uploads(
    message: InboundMessage, only: AcceptedAttachment | None = None
) -> list[ContentFile]:
    """The accepted attachments (or just `only`) as named in-memory files, in message order.

    A digest the raw bytes do not hold means the stored message and its metadata disagree:
    refused (409) rather than a case silently missing a document.
    """
    wanted = [only] if only is not None else accepted_attachments(message)
    if not wanted:
        return []
    digests = {item.sha256 for item in wanted}
    found: dict[str, bytes] = {}
    for payload in _leaf_payloads(bytes(message.raw)):
        digest = hashlib.sha256(payload).hexdigest()
        if digest in digests:
            found.setdefault(digest, payload)
    uploads = []
    for item in wanted:
        content = found.get(item.sha256)
        if content is None:
            raise Conflict(
                _("No se encontró el adjunto «%(name)s» en el correo original.")
                % {"name": item.name}
            )
        uploads.append(ContentFile(content, name=item.name))
    return uploads


@dataclass(frozen=True)
class SenderNames:
    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""


def sender_names(from_name: str) -> SenderNames:
    """A first guess at a contact's names from the display name (the agent corrects it):
    "Ana María Pérez López" → given "Ana María", surnames "Pérez" and "López"."""
    words = from_name.replace('"', " ").replace(",", " ").split()
    if "@" in from_name or not words:
        return SenderNames()
    if len(words) == 1:
        return SenderNames(given_names=words[0])
    if len(words) == 2:
        return SenderNames(given_names=words[0], first_surname=words[1])
    return SenderNames(
        given_names=" ".join(words[:-2]), first_surname=words[-2], second_surname=words[-1]
    )
