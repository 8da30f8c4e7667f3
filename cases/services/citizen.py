"""The citizen's reply to their own case (SPEC §8): through the status page or the public API,
with the folio and the tracking code, no login.

One transaction with the case row locked: the attachments, then a public comment whose author is
the citizen (it is not a first response: only staff and API clients give one, §6), then, if the
case was waiting on the citizen, the `resume` transition through the workflow service — the SLA
extended by the wait exactly as a staff `resume` does. Closed and cancelled cases refuse (409).
Nothing about the sender's address is stored or logged with the reply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from infonavit_atencion.core.errors import ValidationFailed

from ..events import SYSTEM, event_instant, event_record
from ..models import CaseStatus, Comment, EventKind
from .content import attachment_add, case_locked_open, upload_sniff
from .workflow import TransitionInput, case_transition

CITIZEN_AUTHOR = "ciudadano"  # the author label of the citizen's comments (API and pages)


def case_citizen_reply(
    folio: str,
    body: str,
    now: dt.datetime,
    attachments: Sequence[Any] = (),
    *,
    via: str = "",
) -> Comment:
    """Add the citizen's public reply (and documents) to the case; resume it if waiting.

    `via` names where the reply came from when not the status page or the API (``"correo"``:
    an e-mail from the inbound mailbox), kept in the COMMENTED event's data."""
    text = body.strip()
    if not text:
        raise ValidationFailed.single("body", "required", _("Escriba su respuesta."))
    for upload in attachments:  # refused before the case is locked (reading a file is slow)
        upload_sniff(upload, settings.ATTACHMENT_MAX_BYTES)
    with transaction.atomic():
        case_locked_open(folio)  # 404 / 409 before anything is written
        attached = [attachment_add(folio, upload, SYSTEM, now).pk for upload in attachments]
        case = case_locked_open(folio)
        now = event_instant(case, now)
        comment = Comment.objects.create(case=case, body=text, public=True, by_citizen=True)
        case.version += 1
        case.save(update_fields=["version", "updated_at"])
        data: dict[str, Any] = {"comment": comment.pk, "public": True, "by": "citizen"}
        if attached:
            data["attachments"] = attached
        if via:
            data["via"] = via
        event_record(case, EventKind.COMMENTED, SYSTEM, now, data)
        if case.status == CaseStatus.WAITING:
            case_transition(folio, TransitionInput(action="resume"), SYSTEM, now)
    return comment
