"""Filing on the public portal (issue 18 §3): a case by a person with no login, on the web
channel, through the same intake as every other channel (`case_create`).

"Held" with the least new machinery: a non-anonymous filing is created `new` with
`Case.awaiting_email_confirmation` set. While it is set routing leaves the case alone (the
routing task and the unrouted sweeper skip it) and no notice goes to the address but the
confirmation link (`notices.confirmation`). Confirming clears the flag in one transaction with an
UPDATED event and queues, on commit, the routing and the acknowledgement — exactly once: a second
click finds nothing held. A filing not confirmed within PUBLIC_FILING_CONFIRM_DAYS is cancelled
by the `cancel` transition (beat, `cases.tasks.cancel_unconfirmed_filings`), with its reason on
the timeline. An anonymous denuncia has no address to confirm and is routed at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import ApplicationError, Conflict, NotFound

from ..events import SYSTEM, event_instant, event_record
from ..filing_link import LinkExpired, LinkForged, confirmation_case_ref
from ..followups import ROUTE_NEW_CASE, followup_on_commit
from ..models import Case, CaseStatus, EventKind
from .content import attachment_add, upload_sniff
from .intake import CaseCreateResult, CaseInput, case_create
from .workflow import TransitionInput, case_transition

CANCEL_BATCH = 1000  # held filings cancelled per pass at most (the oldest first)


class ConfirmationExpired(ApplicationError):
    status = 410
    code = "confirmation_expired"
    title = _("El enlace de confirmación venció")


def case_file_public(
    data: CaseInput, now: dt.datetime, attachments: Sequence[Any] = ()
) -> CaseCreateResult:
    """Register a portal filing with its documents, in one transaction; held for its e-mail
    confirmation unless anonymous. Every document is checked (size, content) before anything
    is written."""
    for upload in attachments:
        upload_sniff(upload, settings.ATTACHMENT_MAX_BYTES)
    with transaction.atomic():
        created = case_create(data, SYSTEM, now, hold_for_confirmation=not data.anonymous)
        for upload in attachments:
            attachment_add(created.case.folio, upload, SYSTEM, now)
    return created


def _held_case(token: str) -> Case:
    try:
        case_id, folio = confirmation_case_ref(token)
    except LinkExpired as expired:
        raise ConfirmationExpired(_expired_text()) from expired
    except LinkForged as forged:
        raise NotFound(_("El enlace de confirmación no es válido.")) from forged
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id, folio=folio).first()
    if case is None:
        raise NotFound(_("El enlace de confirmación no es válido."))
    return case


def _expired_text() -> str:
    return _(
        "El enlace de confirmación venció: los registros no confirmados en %(days)d días se "
        "cancelan. Presente su caso de nuevo."
    ) % {"days": settings.PUBLIC_FILING_CONFIRM_DAYS}


def case_email_confirm(token: str, now: dt.datetime) -> tuple[Case, bool]:
    """Confirm the filing the link names: (case, True) when this click released it, (case,
    False) when it was confirmed before. A forged link is NotFound; an expired one, or a filing
    already cancelled for want of confirmation, ConfirmationExpired."""
    with transaction.atomic():
        case = _held_case(token)
        if not case.awaiting_email_confirmation:
            return case, False
        if case.status != CaseStatus.NEW:
            raise ConfirmationExpired(_expired_text())
        now = event_instant(case, now)
        case.awaiting_email_confirmation = False
        case.version += 1
        case.save(update_fields=["awaiting_email_confirmation", "version", "updated_at"])
        event_record(case, EventKind.UPDATED, SYSTEM, now, {"email_confirmed": True})
        followup_on_commit(ROUTE_NEW_CASE, case.pk)  # routing, then the acknowledgement
    return case, True


def unconfirmed_filings_cancel(now: dt.datetime) -> int:
    """Cancel the held filings older than PUBLIC_FILING_CONFIRM_DAYS; how many were cancelled."""
    cutoff = now - dt.timedelta(days=settings.PUBLIC_FILING_CONFIRM_DAYS)
    folios = list(
        Case.objects.filter(
            awaiting_email_confirmation=True, status=CaseStatus.NEW, created_at__lt=cutoff
        )
        .order_by("created_at")
        .values_list("folio", flat=True)[:CANCEL_BATCH]
    )
    reason = _("No se confirmó el correo electrónico en %(days)d días.") % {
        "days": settings.PUBLIC_FILING_CONFIRM_DAYS
    }
    cancelled = 0
    for folio in folios:
        with transaction.atomic():
            # Checked again under the row lock: a confirmation may have just released it.
            still_held = Case.objects.select_for_update(of=("self",)).filter(
                folio=folio, awaiting_email_confirmation=True, status=CaseStatus.NEW
            )
            if not still_held.exists():
                continue
            try:
                case_transition(folio, TransitionInput(action="cancel", reason=reason), SYSTEM, now)
            except Conflict:
                continue
        cancelled += 1
    return cancelled
