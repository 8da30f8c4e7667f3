"""E-mail notifications. Called from tasks queued on commit; a failure never blocks a case.

Each notice is tied to the event that caused it (the case's CREATED event, its latest ASSIGNED
event, its latest resolution, its latest SLA breach) and records a NOTIFIED event `{template,
event, recipients}` after sending; a notice already recorded for that event is not sent again, so
a retried or duplicated task — or one queued again by `cases.notices.sweep` after a lost broker
message — does not mail twice. The check and the record are not one transaction — holding a lock
while an SMTP server answers would stall the case (or, on SQLite, every writer) — so two runs of
the same task at the very same moment could both send; Celery delivers a message to one worker.

Citizens get the acknowledgement, the extension and the resolution at the e-mail the case came
with (`Case.notice_email`, SPEC §8), addressed by the name it came with — never at the contact
base's e-mail, which another sender naming the same NSS must not redirect; none for an anonymous
denuncia or a case without an e-mail. Staff get the assignment at their user e-mail.
Dates for the citizen are in the office's timezone, or Mexico City's, written out in Spanish.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from channels.selectors import calendar_spec_for

from ..events import SYSTEM, event_instant, event_record
from ..models import Case, CaseEvent, CaseStatus, Comment, EventKind
from ..ports import notice_extras
from ..sla.policy import CENTRAL_TZ, reopen_deadline
from ..sla.time_left import case_time_left
from .mail_thread import CITIZEN_TEMPLATES, thread_headers

EMAIL_TIMEOUT_DEFAULT = 30  # seconds; an SMTP server that hangs must not hold a worker forever
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


def spanish_date(
    instant: dt.datetime, tz_name: str = CENTRAL_TZ, *, with_time: bool = False
) -> str:
    """`18 de noviembre de 2026` (and `, 17:30` with the time) in the given timezone."""
    local = instant.astimezone(ZoneInfo(tz_name))
    text = f"{local.day} de {SPANISH_MONTHS[local.month - 1]} de {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


def status_link(folio: str) -> str:
    """The public status page for the folio (absolute when PUBLIC_BASE_URL is configured)."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('web:public_status')}?{urlencode({'folio': folio})}"


def _citizen_timezone(case: Case) -> str:
    return case.office.timezone if case.office else CENTRAL_TZ


def _citizen_email(case: Case) -> str:
    return case.notice_email


def _connection():  # type: ignore[no-untyped-def]
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT_DEFAULT
    return get_connection(timeout=timeout)


def _send(subject: str, body: str, to: list[str], headers: dict[str, str] | None = None) -> None:
    headers = dict(headers or {})
    reply_to = [headers.pop("Reply-To")] if "Reply-To" in headers else None
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        to,
        connection=_connection(),
        headers=headers,
        reply_to=reply_to,
    ).send()


def _record_notice(case: Case, now: dt.datetime, data: dict) -> None:
    """The NOTIFIED event, copying where the case stands when it is written: routing or an
    action may have committed since the task read the case (the row lock waits for one in
    flight), and no earlier than the case's last event, so the timeline stays in order."""
    with transaction.atomic():
        current = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        event_record(current, EventKind.NOTIFIED, SYSTEM, event_instant(current, now), data)


def notice_sent_for(template: str, cause: CaseEvent) -> bool:
    """Whether a NOTIFIED event records `template` for `cause`. Breach notices recorded before
    they named their cause count for the breach they follow."""
    unlinked = ~Q(data__has_key="event") & Q(at__gte=cause.at)
    return CaseEvent.objects.filter(
        Q(data__event=cause.pk) | unlinked,
        case_id=cause.case_id,
        kind=EventKind.NOTIFIED,
        data__template=template,
    ).exists()


def _send_once(
    case: Case,
    template: str,
    cause: CaseEvent,
    to: str,
    subject: str,
    context: dict,
    now: dt.datetime,
) -> int:
    """Send `template` to `to` unless it was already sent for `cause`; record it. 1 if sent."""
    if notice_sent_for(template, cause):
        return 0
    body = render_to_string(f"cases/email/{template}.txt", {"case": case, **context})
    citizen = template in CITIZEN_TEMPLATES
    headers = thread_headers(case.pk, case.folio, cause.pk, template, citizen=citizen)
    _send(subject, body, [to], headers)
    _record_notice(case, now, {"template": template, "event": cause.pk, "recipients": 1})
    return 1


def _latest_event(case: Case, kind: str, **data: str) -> CaseEvent | None:
    lookups = {f"data__{key}": value for key, value in data.items()}
    return CaseEvent.objects.filter(case=case, kind=kind, **lookups).order_by("-at", "-id").first()


def notify_acknowledgement(case_id: int, now: dt.datetime) -> int:
    """Acuse de recibo to the citizen: folio, tracking code, service and the date it is due."""
    case = Case.objects.select_related("service", "office", "contact").get(pk=case_id)
    to = _citizen_email(case)
    created = _latest_event(case, EventKind.CREATED) if to else None
    if created is None:
        return 0
    tz = _citizen_timezone(case)
    context = {
        "name": case.contact_given_names,
        "received": spanish_date(case.received_at, tz),
        "due": spanish_date(case.resolution_due_at, tz),
        "status_link": status_link(case.folio),
    }
    subject = _("Registramos su caso %(folio)s") % {"folio": case.folio}
    return _send_once(case, "acknowledgement", created, to, subject, context, now)


def notify_assignment(case_id: int, now: dt.datetime) -> int:
    """Tell the staff member a case was assigned to them (by routing or by `assign`)."""
    case = Case.objects.select_related("service", "area", "assignee").get(pk=case_id)
    assignee = case.assignee
    if assignee is None or not assignee.email:
        return 0
    assigned = _latest_event(case, EventKind.ASSIGNED)
    # Reassigned, taken or transferred since: the notice for the latest assignment, if any, wins.
    if assigned is None or assigned.data.get("assignee") != assignee.get_username():
        return 0
    context = {
        "name": assignee.get_full_name() or assignee.get_username(),
        "priority": case.get_priority_display(),
        "due": spanish_date(case.resolution_due_at, with_time=True),
        "time_left": case_time_left(case, now, calendar_spec_for),
    }
    subject = _("Se le asignó el caso %(folio)s") % {"folio": case.folio}
    return _send_once(case, "assignment", assigned, assignee.email, subject, context, now)


def notify_resolution(case_id: int, now: dt.datetime) -> int:
    """Tell the citizen the case was resolved, with the resolution and the status link."""
    case = Case.objects.select_related("service", "office", "contact").get(pk=case_id)
    to = _citizen_email(case)
    if not to or case.resolved_at is None:  # reopened since: its next resolution will notify
        return 0
    resolved = _latest_event(case, EventKind.STATUS_CHANGED, action="resolve")
    # Resolved at intake: the acknowledgement already carried the resolution.
    if resolved is None or resolved.data.get("from") == CaseStatus.NEW:
        return 0
    tz = _citizen_timezone(case)
    context = {
        "name": case.contact_given_names,
        "resolved": spanish_date(case.resolved_at, tz),
        "reopen_until": spanish_date(
            reopen_deadline(calendar_spec_for(case.sla_calendar_id), case.resolved_at), tz
        ),
        "status_link": status_link(case.folio),
        **notice_extras("resolution", case),  # the survey link (surveys)
    }
    subject = _("Su caso %(folio)s fue resuelto") % {"folio": case.folio}
    return _send_once(case, "resolution", resolved, to, subject, context, now)


def notify_extension(case_id: int, now: dt.datetime) -> int:
    """Tell the citizen the term was extended (the law asks that they be told): new due, why."""
    case = Case.objects.select_related("service", "office", "contact").get(pk=case_id)
    to = _citizen_email(case)
    extended = _latest_event(case, EventKind.SLA_EXTENDED) if to else None
    # Reclassified since into a service whose term has no extension: nothing to announce.
    if extended is None or case.sla_extended_at is None:
        return 0
    context = {
        "name": case.contact_given_names,
        "due": spanish_date(case.resolution_due_at, _citizen_timezone(case)),
        "reason": extended.data.get("reason", ""),
        "status_link": status_link(case.folio),
    }
    subject = _("Se amplió el plazo de su caso %(folio)s") % {"folio": case.folio}
    return _send_once(case, "extension", extended, to, subject, context, now)


def not_by_citizen() -> Q:
    """Events not written for the citizen's own reply (a missing JSON key compares as NULL, so
    a bare negation would drop every staff comment too)."""
    return Q(data__by__isnull=True) | ~Q(data__by="citizen")


def notify_public_comments(case_id: int, now: dt.datetime) -> int:
    """E-mail the citizen each public comment by staff or an API client not yet sent, oldest
    first (the citizen's own replies are not sent back). The number sent."""
    case = Case.objects.select_related("service", "office", "contact").get(pk=case_id)
    to = _citizen_email(case)
    if not to:
        return 0
    commented = CaseEvent.objects.filter(
        not_by_citizen(), case=case, kind=EventKind.COMMENTED, data__public=True
    ).order_by("at", "id")
    sent = 0
    for cause in commented:
        comment = Comment.objects.filter(pk=cause.data.get("comment"), case=case).first()
        if comment is None:
            continue
        context = {
            "name": case.contact_given_names,
            "comment": comment.body,
            "status_link": status_link(case.folio),
        }
        subject = _("Respuesta sobre su caso %(folio)s") % {"folio": case.folio}
        sent += _send_once(case, "public_comment", cause, to, subject, context, now)
    return sent


def supervisors_over(directorate: Any, office: Any, delegacion: Any) -> QuerySet:
    """Active supervisors with an e-mail who oversee a case of that directorate, office and
    delegación (ids, None for none, or expressions such as OuterRef for use in a subquery):
    national ones, the directorate's, the office's and the delegación's."""
    scope = Q(profile__supervisor_scope=SupervisorScope.NATIONAL)
    if directorate is not None:
        scope |= Q(
            profile__supervisor_scope=SupervisorScope.DIRECTORATE,
            profile__directorate_id=directorate,
        )
    if office is not None:
        scope |= Q(profile__supervisor_scope=SupervisorScope.OFFICE, profile__office_id=office)
    if delegacion is not None:
        scope |= Q(
            profile__supervisor_scope=SupervisorScope.DELEGACION, profile__office_id=delegacion
        )
    return (
        get_user_model()
        .objects.filter(scope, is_active=True, profile__role=Role.SUPERVISOR)
        .exclude(email="")
    )


def breach_recipients(case: Case) -> list[str]:
    """Supervisors who oversee the case: national, its directorate, or its office / delegación."""
    delegacion = case.office.parent_id or case.office_id if case.office else None
    users = supervisors_over(case.directorate_id, case.office_id, delegacion)
    return sorted(set(users.values_list("email", flat=True)))


def notify_breach(case_id: int, now: dt.datetime) -> int:
    """E-mail the case's supervisors that its term was breached (its latest SLA_BREACHED event),
    once per breach; records a NOTIFIED event naming the breach. The number of recipients."""
    case = Case.objects.select_related("service", "office", "area").get(pk=case_id)
    breached = _latest_event(case, EventKind.SLA_BREACHED)
    if breached is None or notice_sent_for("breach", breached):
        return 0
    recipients = breach_recipients(case)
    if not recipients:
        return 0
    subject = _("Plazo vencido: %(folio)s") % {"folio": case.folio}
    context = {
        "case": case,
        "due": spanish_date(case.resolution_due_at, with_time=True),
        "time_left": case_time_left(case, now, calendar_spec_for),
    }
    body = render_to_string("cases/email/breach.txt", context)
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients],
        connection=_connection(),
    )
    data = {"template": "breach", "event": breached.pk, "recipients": len(recipients)}
    _record_notice(case, now, data)
    return len(recipients)


def notify_calendar_change(case_id: int, now: dt.datetime) -> int:
    """Tell the citizen that a calendar change (a DOF notice) moved the promised date later:
    the new date and why. Once per recomputation (its SLA_RECOMPUTED event)."""
    case = Case.objects.select_related("service", "office", "contact").get(pk=case_id)
    to = _citizen_email(case)
    moved = _latest_event(case, EventKind.SLA_RECOMPUTED) if to else None
    # Resolved since, or moved again without a later date: nothing to announce.
    if moved is None or not moved.data.get("promised_later") or not case.is_open:
        return 0
    context = {
        "name": case.contact.given_names if case.contact else "",
        "due": spanish_date(case.resolution_due_at, _citizen_timezone(case)),
        "cause": moved.data.get("cause", ""),
        "status_link": status_link(case.folio),
    }
    subject = _("Cambió la fecha de respuesta de su caso %(folio)s") % {"folio": case.folio}
    return _send_once(case, "calendar_change", moved, to, subject, context, now)
