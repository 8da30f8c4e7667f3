"""The e-mail thread of a case (SPEC §8, §11): every e-mail about a case is one message of one
conversation, so mail clients group them and a reply can be tied back to its case.

- `Message-ID` is deterministic per notice: `<case-{folio}.event-{cause id}.{template}@{domain}>`
  (the domain of DEFAULT_FROM_EMAIL), so a retried task sends the very same id.
- `References` lists the case's earlier e-mails to the citizen (the NOTIFIED events recorded
  before this one, oldest first) and `In-Reply-To` names the latest of them.
- `Reply-To` is the case's reply address, INBOUND_REPLY_ADDRESS with `{token}` replaced by a
  signed per-case token: `<folio>.<first 20 hex of an HMAC of the folio under SECRET_KEY>`,
  lower case (mail servers may fold the local part's case). The token is not the tracking code
  and cannot be forged without the key; `reply_token_folio` gives the inbound reader the folio
  back, or None for a token that does not verify. Without the setting there is no `Reply-To`.
"""

from __future__ import annotations

import hmac
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

from ..models import CaseEvent, EventKind

# The notices that go to the citizen: the thread a reply can answer.
CITIZEN_TEMPLATES = (
    "email_confirmation",  # a portal filing's first message (cases.notices.confirmation)
    "acknowledgement",
    "extension",
    "calendar_change",
    "resolution",
    "public_comment",
)
# An HMAC key salt, not a secret. Fixed (the module's old path): reply addresses already sent
# must keep verifying.
REPLY_SALT = "cases.mail_thread.reply_address"
TOKEN_HEX = 20


def _domain() -> str:
    address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    return address.rpartition("@")[2] or "localhost"


def message_id(folio: str, cause_id: int, template: str) -> str:
    """The notice's Message-ID, the same on every retry."""
    return f"<case-{folio}.event-{cause_id}.{template}@{_domain()}>"


def _signature(folio: str) -> str:
    return salted_hmac(REPLY_SALT, folio.upper(), algorithm="sha256").hexdigest()[:TOKEN_HEX]


def reply_token(folio: str) -> str:
    return f"{folio.lower()}.{_signature(folio)}"


def reply_token_folio(token: str) -> str | None:
    """The folio a reply token names, or None when its signature does not verify."""
    folio, _, signature = token.strip().lower().rpartition(".")
    if not folio or not hmac.compare_digest(signature.encode(), _signature(folio).encode()):
        return None
    return folio.upper()


def reply_address(folio: str) -> str:
    """The case's reply address, or "" when INBOUND_REPLY_ADDRESS is not configured."""
    pattern = str(getattr(settings, "INBOUND_REPLY_ADDRESS", "") or "")
    return pattern.replace("{token}", reply_token(folio)) if "{token}" in pattern else ""


def thread_message_ids(case_id: int, folio: str) -> list[str]:
    """The Message-IDs of the e-mails already sent to the citizen about the case, oldest first."""
    sent = CaseEvent.objects.filter(
        case_id=case_id, kind=EventKind.NOTIFIED, data__template__in=CITIZEN_TEMPLATES
    ).order_by("at", "id")
    return [
        message_id(folio, data["event"], data["template"])
        for data in sent.values_list("data", flat=True)
        if isinstance(data.get("event"), int)
    ]


def thread_headers(
    case_id: int, folio: str, cause_id: int, template: str, *, citizen: bool
) -> dict[str, str]:
    """The headers of one notice: its Message-ID, the earlier ones, and (to the citizen) Reply-To."""
    own = message_id(folio, cause_id, template)
    earlier = [mid for mid in thread_message_ids(case_id, folio) if mid != own]
    headers = {"Message-ID": own}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    reply_to = reply_address(folio) if citizen else ""
    if reply_to:
        headers["Reply-To"] = reply_to
    return headers
