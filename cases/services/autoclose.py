"""Auto-close (SPEC §4): a resolved case closes itself once its reopen window has passed.

The window is `settings.REOPEN_WINDOW_BUSINESS_DAYS` business days after `resolved_at`, on the
case's own SLA calendar, ending at the closing instant of the last of those days — the same
deadline the reopen action checks (`cases.sla.policy.reopen_deadline`). Each case is closed
through `case_transition`, so it gets its lock, its version bump and its STATUS_CHANGED event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from businesstime.calendar_spec import CalendarSpec
from channels.selectors import calendar_spec_for
from infonavit_atencion.core.errors import InvalidTransition

from ..events import SYSTEM
from ..models import Case, CaseStatus
from ..sla.policy import reopen_deadline
from .workflow import TransitionInput, case_transition


def _candidate_cutoff(now: dt.datetime) -> dt.datetime:
    """No case resolved after this instant can be past its window yet.

    The window ends at the closing instant of the N-th business day strictly after the local
    date of resolution, so no earlier than the local midnight that starts calendar day D+N:
    more than N-1 days after `resolved_at`, less an hour for a daylight-saving shift.
    """
    days = max(settings.REOPEN_WINDOW_BUSINESS_DAYS - 1, 0)
    return now - dt.timedelta(days=days) + dt.timedelta(hours=1)


def cases_auto_close(now: dt.datetime) -> int:
    """Close every resolved case whose reopen window ended before `now`. Returns how many.

    Candidates come from the partial index `case_resolved_idx` (status resolved, by
    resolved_at); the exact deadline is then computed per case on its calendar (each calendar
    loaded once per run). Idempotent: a closed case is no longer a candidate, and a case
    reopened or closed meanwhile is refused by the transition and skipped.
    """
    candidates = (
        Case.objects.filter(status=CaseStatus.RESOLVED, resolved_at__lte=_candidate_cutoff(now))
        .order_by("resolved_at", "id")
        .values_list("folio", "resolved_at", "sla_calendar_id")
    )
    specs: dict[int, CalendarSpec] = {}
    closed = 0
    for folio, resolved_at, calendar_id in candidates:
        assert resolved_at is not None  # a resolved case has resolved_at (DB constraint)
        if calendar_id not in specs:
            specs[calendar_id] = calendar_spec_for(calendar_id)
        if now <= reopen_deadline(specs[calendar_id], resolved_at):
            continue
        try:
            case_transition(folio, TransitionInput("close"), SYSTEM, now)
        except InvalidTransition:
            continue  # reopened or closed since the candidates were read
        closed += 1
    return closed
