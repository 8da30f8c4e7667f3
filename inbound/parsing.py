"""What the reader needs out of a raw e-mail (RFC 5322 bytes), parsed once with the standard
library: identity, sender, threading headers, the loop signs, the text and the attachments.

Pure functions over bytes: no database, no settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
# Where a reply's quoted history starts: "El lun, 7 dic 2026 a las 10:00, X escribió:",
# "On Mon, Dec 7, 2026 at 10:00 AM X wrote:", the separators of other clients.
QUOTE_HEADERS = (
    re.compile(r"^\s*El\b.*\bescribi\S{0,2}\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*On\b.*\bwrote\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Mensaje original)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's line above the quoted header block
)
MAX_HEADER_CHARS = 998


@dataclass(frozen=True)
class MailPart:
    name: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    date: dt.datetime | None
    in_reply_to: list[str]
    references: list[str]
    recipients: list[str]  # To, Cc, Delivered-To, X-Original-To: lower case
    headers: dict[str, str]  # the loop-relevant headers, lower-case names
    content_type: str
    body_text: str
    attachments: list[MailPart] = field(default_factory=list)


def fallback_message_id(raw: bytes) -> str:
    """The id of a message that carries none: its content's digest, the same on every read."""
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def _ids(value: str) -> list[str]:
    return MESSAGE_ID_RE.findall(value or "")


def _date(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def _text(message: EmailMessage) -> str:
    """The plain-text body: text/plain preferred, else HTML reduced to its text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown or broken charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<(script|style).*?</\1>", "", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = re.sub(r"<[^>]+>", "", content)
    return content.replace("\r\n", "\n").strip()


def _attachments(message: EmailMessage) -> list[MailPart]:
    found = []
    for part in message.iter_attachments():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(MailPart(name=part.get_filename() or "", content=payload))
    return found


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the parser cannot fold
        return ""
    return str(value or "")[:MAX_HEADER_CHARS]


def mail_parse(raw: bytes) -> ParsedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    own_id = _ids(_header(message, "Message-ID"))
    name, address = parseaddr(_header(message, "From"))
    recipients = [
        addr.lower()
        for _n, addr in getaddresses(
            [_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
        if addr
    ]
    loop_headers = {
        h.lower(): _header(message, h).strip()
        for h in ("Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond", "Return-Path")
        if message.get(h) is not None
    }
    multipart = message.is_multipart()
    return ParsedMail(
        message_id=own_id[0] if own_id else fallback_message_id(raw),
        from_address=address.strip().lower()[:320],
        from_name=name.strip()[:200],
        subject=_header(message, "Subject").strip(),
        date=_date(_header(message, "Date")),
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        recipients=recipients,
        headers=loop_headers,
        content_type=message.get_content_type(),
        body_text=_text(message),
        attachments=_attachments(message) if multipart else [],
    )


def reply_text(body: str) -> str:
    """The citizen's own words: the body up to the quoted history ("> …" lines, and from the
    "El … escribió:" / "On … wrote:" line onward), signature separator included."""
    kept: list[str] = []
    for line in body.splitlines():
        if line.rstrip() == "--" or any(p.match(line) for p in QUOTE_HEADERS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()
