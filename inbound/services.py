"""Writes of inbound e-mail (ADR 0017): the reader stores and settles each message; a person
settles the ones left pending ("Correo por clasificar") by creating a case from it, attaching
it to a case or discarding it (`inbound.triage`).

Each write is one transaction that leaves the message in exactly one state and appends its
history. A message already settled refuses a second decision (409) and nothing changes. Logs
name messages by id and outcome only: never an address, a subject or a body.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.limits import COMMENT_MAX_LENGTH
from cases.models import Case
from cases.services.citizen import case_citizen_reply
from cases.services.content import original_name_clean, upload_sniff
from infonavit_atencion.core.errors import ApplicationError, ValidationFailed

from .classify import Verdict, mail_verdict
from .models import InboundMessage, InboundMessageEvent, MessageEventKind, MessageStatus
from .parsing import ParsedMail, mail_parse, reply_text

logger = logging.getLogger(__name__)
REASON_MAX = 500
VIA = "correo"  # the COMMENTED event's `via` for a reply that came by e-mail


@dataclass(frozen=True)
class CheckedPart:
    """An attachment after the upload checks: `upload` is None when it was refused."""

    upload: ContentFile | None
    record: dict[str, Any]


def parts_checked(mail: ParsedMail) -> list[CheckedPart]:
    """Every attachment through the uploads' size limit and content sniffing."""
    checked = []
    for part in mail.attachments:
        name = original_name_clean(part.name)
        upload = ContentFile(part.content, name=name)
        try:
            sniffed = upload_sniff(upload, settings.ATTACHMENT_MAX_BYTES)
        except ValidationFailed as refusal:
            code = refusal.errors[0].code if refusal.errors else "invalid"
            checked.append(CheckedPart(None, {"name": name, "refused": code}))
            continue
        record = {
            "name": name,
            "content_type": sniffed.content_type,
            "size": sniffed.size,
            "sha256": sniffed.sha256,
        }
        checked.append(CheckedPart(upload, record))
    return checked


def accepted_uploads(parts: list[CheckedPart]) -> list[ContentFile]:
    return [part.upload for part in parts if part.upload is not None]


def event_add(
    message: InboundMessage,
    kind: str,
    at: dt.datetime,
    *,
    user: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> InboundMessageEvent:
    return InboundMessageEvent.objects.create(
        message=message,
        kind=kind,
        status=message.status,
        at=at,
        actor=user,
        reason=reason[:REASON_MAX],
        data=data or {},
    )


def message_settle(
    message: InboundMessage,
    status: str,
    now: dt.datetime,
    *,
    user: Any = None,
    reason: str = "",
    case: Case | None = None,
    kind: str = MessageEventKind.DECIDED,
) -> None:
    """Put the message in its final state and record the step."""
    message.status = status
    message.reason = reason[:REASON_MAX]
    message.case = case
    message.decided_by = user
    message.decided_at = now
    message.save(update_fields=["status", "reason", "case", "decided_by", "decided_at"])
    data = {"case": case.folio} if case is not None else {}
    event_add(message, kind, now, user=user, reason=reason, data=data)


def reply_body(message: InboundMessage, uploads: list[ContentFile]) -> str:
    """The citizen's words without the quoted history, within the comments' length limit (the
    whole message stays stored); a reply of documents only says so."""
    text = reply_text(message.body_text) or message.body_text.strip()
    if not text and uploads:
        return _("(Respuesta por correo sin texto; ver los documentos adjuntos.)")
    return text[:COMMENT_MAX_LENGTH]


def _reply_add(
    message: InboundMessage, verdict: Verdict, parts: list[CheckedPart], now: dt.datetime
) -> None:
    """The citizen's comment on the case, or the message left pending when the case refuses."""
    uploads = accepted_uploads(parts)
    folio = verdict.folio or ""
    try:
        with transaction.atomic():
            case_citizen_reply(
                folio, reply_body(message, uploads), message.received_at, uploads, via=VIA
            )
    except ApplicationError as refusal:
        message.reason = str(refusal.detail)[:REASON_MAX]
        message.suggested_case = Case.objects.filter(folio=folio).first()
        message.save(update_fields=["reason", "suggested_case"])
        event_add(message, MessageEventKind.CLASSIFIED, now, reason=message.reason)
        return
    message_settle(
        message,
        MessageStatus.REPLY_ADDED,
        now,
        case=Case.objects.get(folio=folio),
        kind=MessageEventKind.CLASSIFIED,
    )


def _verdict_apply(
    message: InboundMessage, verdict: Verdict, parts: list[CheckedPart], now: dt.datetime
) -> None:
    if verdict.status == MessageStatus.REPLY_ADDED:
        _reply_add(message, verdict, parts, now)
    elif verdict.status == MessageStatus.PENDING:
        message.reason = verdict.reason[:REASON_MAX]
        message.suggested_case = verdict.suggested
        message.save(update_fields=["reason", "suggested_case"])
        event_add(message, MessageEventKind.CLASSIFIED, now, reason=verdict.reason)
    else:
        message_settle(
            message, verdict.status, now, reason=verdict.reason, kind=MessageEventKind.CLASSIFIED
        )


def _message_new(
    raw: bytes,
    mail: ParsedMail,
    parts: list[CheckedPart],
    received_at: dt.datetime,
    now: dt.datetime,
) -> InboundMessage:
    message = InboundMessage.objects.create(
        message_id=mail.message_id,
        from_address=mail.from_address,
        from_name=mail.from_name,
        subject=mail.subject,
        received_at=received_at,
        stored_at=now,
        in_reply_to=" ".join(mail.in_reply_to),
        references=" ".join(mail.references),
        raw=raw,
        body_text=mail.body_text,
        attachments=[part.record for part in parts],
    )
    event_add(message, MessageEventKind.STORED, now, data={"size": len(raw)})
    for part in parts:
        if part.upload is None:
            event_add(
                message,
                MessageEventKind.ATTACHMENT_REFUSED,
                now,
                reason=part.record["refused"],
                data={"name": part.record["name"]},
            )
    return message


def inbound_message_store(
    raw: bytes, arrived_at: dt.datetime | None, now: dt.datetime
) -> InboundMessage | None:
    """Store one message read from the mailbox and settle it as far as the reader may: ignored,
    rate-limited, the citizen's reply on its case, or pending classification.

    None when it is already stored (a re-read after a crash, or another reader was faster).
    The message, its history and its outcome (the comment on the case) commit together.
    """
    mail = mail_parse(raw)
    if InboundMessage.objects.filter(message_id=mail.message_id).exists():
        return None
    parts = parts_checked(mail)  # before the transaction: reading and hashing take time
    received_at = min(arrived_at or mail.date or now, now)
    try:
        with transaction.atomic():
            verdict = mail_verdict(mail, now)  # before the insert: the rate limit counts others
            message = _message_new(raw, mail, parts, received_at, now)
            _verdict_apply(message, verdict, parts, now)
    except IntegrityError:
        if InboundMessage.objects.filter(message_id=mail.message_id).exists():
            return None
        raise
    logger.info("inbound message %s stored: %s", message.pk, message.status)
    return message
