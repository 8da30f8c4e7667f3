"""The notice sweeper (SPEC §10): an e-mail whose message the broker lost is queued again.

Notices are queued on commit and publishing is best effort (`core.queueing.enqueue_now` logs
and drops the message when the broker is down). Every notice is caused by an event and, once
sent, records a NOTIFIED event naming that cause (`cases.notices.notifications`), so a notice still
owed is a cause event that no NOTIFIED event names. Beat runs `notices_sweep` every
NOTICE_SWEEP_SECONDS; per notice in `NOTICES` it reads the cause events of the last
NOTICE_SWEEP_LOOKBACK_SECONDS (a day) that are older than NOTICE_SWEEP_GRACE_SECONDS (five
minutes, so the normal path has had its turn), keeps those that are still the case's current
cause and whose notice would go somewhere, and queues the notice's task for each case. The task
decides again and sends nothing already sent, so a duplicate is harmless.

Cost, on a table of tens of millions of append-only events: one query per notice, with no index
of its own (every index is paid on each insert, ADR 0010). The window is a range of
`event_kind_at_idx` (kind, at) read in `at` order up to `SWEEP_BATCH` rows; each candidate is
then probed through `event_case_timeline_idx` (case, at, id) for a later cause and for a
NOTIFIED event at or after it (NOT EXISTS), and joined to its case by primary key.

A later notice is one more entry (as the term's extension, an `sla_extended` event).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact

from .. import followups
from ..models import CaseEvent, EventKind
from .notifications import not_by_citizen, supervisors_over

logger = logging.getLogger(__name__)

SWEEP_BATCH = 2000  # cases queued per notice and pass at most (the oldest first)


def _citizen_has_email() -> Q:
    """As `Case.notice_email`: a named contact, and an e-mail kept on the case and confirmed."""
    return Q(
        case__anonymous=False, case__contact__isnull=False, case__awaiting_email_confirmation=False
    ) & ~Q(case__contact_email="")


def _held_for_confirmation() -> Q:
    """As `notify_filing_confirmation`: a portal filing still waiting for its address."""
    return Q(case__awaiting_email_confirmation=True, case__status="new") & ~Q(
        case__contact_email=""
    )


def _assignee_still_current() -> Q:
    """As `notify_assignment`: the case is still with the assignee it names, who has an e-mail."""
    names_assignee: Exact[str] = Exact(KT("data__assignee"), F("case__assignee__username"))
    return Q(names_assignee) & ~Q(case__assignee__email="")


def _resolution_still_standing() -> Q:
    """As `notify_resolution`: not reopened since, and a citizen to tell."""
    return Q(case__resolved_at__isnull=False) & _citizen_has_email()


def _extension_still_standing() -> Q:
    """As `notify_extension`: not dropped by a reclassification since, and a citizen to tell."""
    return Q(case__sla_extended_at__isnull=False) & _citizen_has_email()


def _still_open_with_citizen() -> Q:
    """As `notify_calendar_change`: the case is still open, and a citizen to tell."""
    return Q(case__status__in=["new", "assigned", "in_progress", "waiting"]) & _citizen_has_email()


def _breach_escalated_to_supervisors() -> Q:
    """As the SLA monitor queues it: its policy asked to notify supervisors (the ESCALATED event
    written with the breach says so), and the case has a supervisor with an e-mail."""
    escalated = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"),
        at=OuterRef("at"),
        kind=EventKind.ESCALATED,
        data__notify_supervisors=True,
    )
    delegacion = Coalesce(OuterRef("case__office__parent_id"), OuterRef("case__office_id"))
    supervisors = supervisors_over(
        OuterRef("case__directorate_id"), OuterRef("case__office_id"), delegacion
    )
    return Q(Exists(escalated)) & Q(Exists(supervisors))


@dataclass(frozen=True)
class SweptNotice:
    """One notice the sweeper keeps: which events cause it and which task sends it."""

    template: str  # the NOTIFIED event's data["template"]
    kind: str  # the cause event's kind
    task: str  # the task that sends it, given the case id (a name in `cases.followups`)
    cause: Q = field(default_factory=Q)  # which events of `kind` cause it
    # Only the case's latest cause counts (the notice functions send for that one).
    latest_only: bool = True
    # SQL over the cause event and its case: the notice would go somewhere.
    applies: Callable[[], Q] = Q


NOTICES: tuple[SweptNotice, ...] = (
    SweptNotice(
        "email_confirmation",
        EventKind.CREATED,
        followups.SEND_FILING_CONFIRMATION,
        latest_only=False,  # one per case
        applies=_held_for_confirmation,
    ),
    SweptNotice(
        "acknowledgement",
        EventKind.CREATED,
        followups.SEND_ACKNOWLEDGEMENT,
        latest_only=False,  # one per case
        applies=_citizen_has_email,
    ),
    SweptNotice(
        "assignment",
        EventKind.ASSIGNED,
        followups.SEND_ASSIGNMENT_NOTICE,
        applies=_assignee_still_current,
    ),
    SweptNotice(
        "resolution",
        EventKind.STATUS_CHANGED,
        followups.SEND_RESOLUTION_NOTICE,
        # A resolution at intake is told in the acknowledgement.
        cause=Q(data__action="resolve") & ~Q(data__from="new"),
        applies=_resolution_still_standing,
    ),
    SweptNotice(
        "extension",
        EventKind.SLA_EXTENDED,
        followups.SEND_EXTENSION_NOTICE,
        applies=_extension_still_standing,
    ),
    SweptNotice(
        "calendar_change",
        EventKind.SLA_RECOMPUTED,
        followups.SEND_CALENDAR_CHANGE_NOTICE,
        cause=Q(data__promised_later=True),
        applies=_still_open_with_citizen,
    ),
    SweptNotice(
        "public_comment",
        EventKind.COMMENTED,
        followups.SEND_PUBLIC_COMMENT_NOTICE,
        # Every public comment by staff or an API client; the citizen's own are not sent back.
        cause=Q(data__public=True) & not_by_citizen(),
        latest_only=False,
        applies=_citizen_has_email,
    ),
    SweptNotice(
        "breach",
        EventKind.SLA_BREACHED,
        followups.SEND_BREACH_NOTICE,
        applies=_breach_escalated_to_supervisors,
    ),
)


def pending_notice_cases(
    notice: SweptNotice, since: dt.datetime, until: dt.datetime, limit: int = SWEEP_BATCH
) -> list[int]:
    """Ids of the cases owed `notice` for a cause event at `since` ≤ at < `until`, oldest first."""
    # As `notifications.notice_sent_for`: a NOTIFIED event naming the cause (its id is a JSON
    # number, compared as text on every backend), or a breach notice from before they named it.
    sent = CaseEvent.objects.filter(
        Q(Exact(KT("data__event"), Cast(OuterRef("pk"), CharField()))) | ~Q(data__has_key="event"),
        case_id=OuterRef("case_id"),
        at__gte=OuterRef("at"),
        kind=EventKind.NOTIFIED,
        data__template=notice.template,
    )
    causes = CaseEvent.objects.filter(
        notice.cause, kind=notice.kind, at__gte=since, at__lt=until
    ).filter(notice.applies(), ~Exists(sent))
    if notice.latest_only:
        later = CaseEvent.objects.filter(
            notice.cause,
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")),
            case_id=OuterRef("case_id"),
            kind=notice.kind,
        )
        causes = causes.filter(~Exists(later))
    return list(causes.order_by("at").values_list("case_id", flat=True)[:limit])


def notices_sweep(now: dt.datetime, notices: tuple[SweptNotice, ...] = NOTICES) -> dict[str, int]:
    """Queue every notice still owed for a cause inside the window; {template: cases queued}.

    Stops at the first publish that fails: the broker is still down, and the next pass retries.
    """
    since = now - dt.timedelta(seconds=settings.NOTICE_SWEEP_LOOKBACK_SECONDS)
    until = now - dt.timedelta(seconds=settings.NOTICE_SWEEP_GRACE_SECONDS)
    queued = dict.fromkeys((notice.template for notice in notices), 0)
    for notice in notices:
        for case_id in pending_notice_cases(notice, since, until):
            if not followups.followup_now(notice.task, case_id):
                logger.warning("Barrido de avisos interrumpido: el broker no responde.")
                return queued
            queued[notice.template] += 1
    if any(queued.values()):
        logger.info("Avisos pendientes encolados de nuevo: %s", queued)
    return queued
