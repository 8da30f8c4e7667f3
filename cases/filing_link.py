"""The signed, expiring link that confirms a portal filing's e-mail address (issue 18 §3).

The token is Django's timestamped signature (SECRET_KEY, its own salt) over the case's id and
folio: it cannot be forged or moved to another case, and it expires after
PUBLIC_FILING_CONFIRM_DAYS. Nothing is stored for it: the case's `awaiting_email_confirmation`
flag is the whole state, so a second click finds the case already confirmed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Case

SALT = "cases.filing.email_confirmation"


class LinkForged(Exception):
    """The token is not ours (or was altered)."""


class LinkExpired(Exception):
    """The token is ours but older than PUBLIC_FILING_CONFIRM_DAYS."""


def confirmation_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.PUBLIC_FILING_CONFIRM_DAYS)


def confirmation_token(case: Case) -> str:
    return signing.dumps({"case": case.pk, "folio": case.folio}, salt=SALT)


def confirmation_link(case: Case) -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + reverse("web:portal_confirm", args=[confirmation_token(case)])


def confirmation_case_ref(token: str) -> tuple[int, str]:
    """(case id, folio) the token names; LinkExpired or LinkForged otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=confirmation_max_age())
    except signing.SignatureExpired as expired:
        raise LinkExpired from expired
    except signing.BadSignature as forged:
        raise LinkForged from forged
    if not isinstance(data, dict) or not isinstance(data.get("case"), int):
        raise LinkForged
    return data["case"], str(data.get("folio", ""))
