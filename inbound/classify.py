"""What an inbound message is (docs/adr/0017-inbound-mail.md): a loop to ignore, a flood to
rate-limit, the citizen's reply to one of our e-mails about a case, or something a person must
classify. Never decided by the subject.

A reply is recognised by two signs:
- the recipient is the case's reply address (INBOUND_REPLY_ADDRESS with a signed token that only
  our e-mails carry; `mail_thread.reply_token_folio` verifies it);
- In-Reply-To / References name a Message-ID we sent to the citizen about that case.
The token alone is enough (it cannot be forged; a client may drop the threading headers). The
headers alone are not (our Message-IDs can be guessed from a folio): they count only when the
sender is also the case's own e-mail address. Signs that disagree, or a thread header without the
sender's match, leave the message pending with the case as a suggestion.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext as _

from cases.models import Case
from cases.notices.mail_thread import message_id, reply_token_folio, thread_message_ids

from .models import InboundMessage, MessageStatus
from .parsing import ParsedMail

OUR_ID_RE = re.compile(r"^<case-(?P<folio>.+)\.event-(?P<event>\d+)\.(?P<template>[a-z_]+)@[^>]+>$")
SYSTEM_SENDERS = frozenset({"mailer-daemon", "postmaster"})
LIST_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
RATE_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    folio: str | None = None  # the case a reply goes to
    suggested: Case | None = None


def _own_addresses() -> set[str]:
    own = {parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1].lower()}
    user = str(settings.INBOUND_IMAP_USER or "").lower()
    if "@" in user:
        own.add(user)
    return own - {""}


def _reply_address_re() -> re.Pattern[str] | None:
    pattern = str(getattr(settings, "INBOUND_REPLY_ADDRESS", "") or "").lower()
    if "{token}" not in pattern:
        return None
    before, _sep, after = pattern.partition("{token}")
    return re.compile(re.escape(before) + r"(?P<token>[^@\s]+)" + re.escape(after))


def loop_reason(mail: ParsedMail) -> str:
    """Why the message is an automatic one that must never become a comment or a case ("" if
    it is not): RFC 3834 auto-replies, list and bulk mail, delivery reports, our own mail."""
    headers = mail.headers
    auto = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = headers.get("precedence", "").lower()
    if precedence in LIST_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers:
            return f"{name}"
    if mail.content_type == "multipart/report":
        return "multipart/report"
    if headers.get("return-path", "").strip() == "<>":
        return "Return-Path: <>"
    local = mail.from_address.partition("@")[0]
    if not mail.from_address or local in SYSTEM_SENDERS:
        return "mailer-daemon"
    pattern = _reply_address_re()
    if mail.from_address in _own_addresses() or (pattern and pattern.fullmatch(mail.from_address)):
        return "own address"
    return ""


def sender_over_limit(address: str, now: dt.datetime) -> bool:
    """The sender already sent INBOUND_SENDER_LIMIT_PER_HOUR messages in the last hour."""
    limit = int(settings.INBOUND_SENDER_LIMIT_PER_HOUR)
    recent = InboundMessage.objects.filter(
        from_address=address, stored_at__gt=now - RATE_WINDOW
    ).count()
    return recent >= limit


def _token_folio(mail: ParsedMail) -> tuple[str | None, bool]:
    """The folio of a verified reply token among the recipients, and whether any recipient
    looked like a reply address at all."""
    pattern = _reply_address_re()
    seen = False
    for address in mail.recipients if pattern else ():
        match = pattern.fullmatch(address) if pattern else None
        if match:
            seen = True
            folio = reply_token_folio(match["token"])
            if folio:
                return folio, True
    return None, seen


def _thread_cases(mail: ParsedMail) -> dict[str, Case]:
    """The cases whose e-mails to the citizen the message names in In-Reply-To/References."""
    named: dict[str, set[str]] = {}
    for mid in [*mail.in_reply_to, *mail.references]:
        match = OUR_ID_RE.match(mid)
        if match and mid == message_id(match["folio"], int(match["event"]), match["template"]):
            named.setdefault(match["folio"].upper(), set()).add(mid)
    found = {}
    for case in Case.objects.filter(folio__in=list(named)):
        if named[case.folio] & set(thread_message_ids(case.pk, case.folio)):
            found[case.folio] = case
    return found


def _reply_verdict(mail: ParsedMail) -> Verdict:
    token_folio, looked_like_token = _token_folio(mail)
    threaded = _thread_cases(mail)
    if token_folio and (not threaded or token_folio in threaded):
        return Verdict(MessageStatus.REPLY_ADDED, folio=token_folio)
    if token_folio:
        return Verdict(
            MessageStatus.PENDING,
            _("La dirección de respuesta y los encabezados nombran casos distintos."),
            suggested=Case.objects.filter(folio=token_folio).first(),
        )
    if len(threaded) == 1:
        case = next(iter(threaded.values()))
        if case.contact_email and case.contact_email.strip().lower() == mail.from_address:
            return Verdict(MessageStatus.REPLY_ADDED, folio=case.folio)
        return Verdict(
            MessageStatus.PENDING,
            _("Responde a un correo del caso, pero el remitente no es el correo del caso."),
            suggested=case,
        )
    if threaded:
        return Verdict(MessageStatus.PENDING, _("Responde a correos de varios casos."))
    if looked_like_token:
        return Verdict(MessageStatus.PENDING, _("La dirección de respuesta no es válida."))
    return Verdict(MessageStatus.PENDING)


def mail_verdict(mail: ParsedMail, now: dt.datetime) -> Verdict:
    """What the reader does with the message, in this order: loops, floods, replies, the rest."""
    loop = loop_reason(mail)
    if loop:
        return Verdict(MessageStatus.IGNORED, loop)
    if sender_over_limit(mail.from_address, now):
        return Verdict(
            MessageStatus.RATE_LIMITED,
            _("El remitente envió más de %(n)s mensajes en una hora.")
            % {"n": settings.INBOUND_SENDER_LIMIT_PER_HOUR},
        )
    return _reply_verdict(mail)
