"""The e-mail that asks the person who filed on the public portal to confirm their address
(issue 18 §3). It is the first message of the case's thread; the acknowledgement follows once
the address is confirmed (`services.filing.case_email_confirm`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from ..filing_link import confirmation_link
from ..models import Case, CaseStatus, EventKind
from .notifications import _latest_event, _send_once

TEMPLATE = "email_confirmation"


def notify_filing_confirmation(case_id: int, now: dt.datetime) -> int:
    """Send the confirmation link once, while the case is still held; 1 if sent."""
    case = Case.objects.select_related("service").get(pk=case_id)
    to = case.contact_email.strip()
    if not (case.awaiting_email_confirmation and case.status == CaseStatus.NEW and to):
        return 0
    created = _latest_event(case, EventKind.CREATED)
    if created is None:
        return 0
    context = {
        "name": case.contact_given_names,
        "link": confirmation_link(case),
        "days": settings.PUBLIC_FILING_CONFIRM_DAYS,
    }
    subject = _("Confirme su correo para el caso %(folio)s") % {"folio": case.folio}
    return _send_once(case, TEMPLATE, created, to, subject, context, now)
