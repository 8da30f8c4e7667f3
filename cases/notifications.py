"""E-mail notifications. Called from tasks queued on commit; a failure never blocks a case.

Each notice is tied to the event that caused it (the case's CREATED event, its latest ASSIGNED
event, its latest resolution) and records a NOTIFIED event `{template, event, recipients}` after
sending; a notice already recorded for that event is not sent again, so a retried or duplicated
task does not mail twice. The check and the record are not one transaction — holding a lock
while an SMTP server answers would stall the case (or, on SQLite, every writer) — so two runs of
the same task at the very same moment could both send; Celery delivers a message to one worker.

Citizens get the acknowledgement and the resolution at the contact's e-mail (none for an
anonymous denuncia or a contact without one); staff get the assignment at their user e-mail.
Dates for the citizen are in the office's timezone, or Mexico City's, written out in Spanish.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, SupervisorScope
from channels.selectors import calendar_spec_for
from surveys.selectors import survey_link_for

from .events import SYSTEM, event_record
from .models import Case, CaseEvent, EventKind
from .services.autoclose import reopen_deadline

CENTRAL_TZ = "America/Mexico_City"
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
    if case.anonymous or case.contact is None:
        return ""
    return case.contact.email.strip()


def _send(subject: str, body: str, to: list[str]) -> None:
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT_DEFAULT
    EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=get_connection(timeout=timeout)
    ).send()


def _record_notice(case: Case, now: dt.datetime, data: dict) -> None:
    """The NOTIFIED event, copying where the case stands when it is written: routing or an
    action may have committed since the task read the case (the row lock waits for one in
    flight), and no earlier than the case's last event, so the timeline stays in order."""
    with transaction.atomic():
        current = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        last_at = CaseEvent.objects.filter(case=current).aggregate(last=Max("at"))["last"]
        at = max(now, last_at) if last_at is not None else now
        event_record(current, EventKind.NOTIFIED, SYSTEM, at, data)


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
    if CaseEvent.objects.filter(
        case=case, kind=EventKind.NOTIFIED, data__template=template, data__event=cause.pk
    ).exists():
        return 0
    body = render_to_string(f"cases/email/{template}.txt", {"case": case, **context})
    _send(subject, body, [to])
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
        "name": case.contact.given_names if case.contact else "",
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
    if resolved is None:
        return 0
    tz = _citizen_timezone(case)
    context = {
        "name": case.contact.given_names if case.contact else "",
        "resolved": spanish_date(case.resolved_at, tz),
        "reopen_until": spanish_date(
            reopen_deadline(calendar_spec_for(case.sla_calendar_id), case.resolved_at), tz
        ),
        "status_link": status_link(case.folio),
        "survey_link": survey_link_for(case),
    }
    subject = _("Su caso %(folio)s fue resuelto") % {"folio": case.folio}
    return _send_once(case, "resolution", resolved, to, subject, context, now)


def breach_recipients(case: Case) -> list[str]:
    """Supervisors who oversee the case: national, its directorate, or its office / delegación."""
    scope = Q(profile__supervisor_scope=SupervisorScope.NATIONAL)
    if case.directorate_id:
        scope |= Q(
            profile__supervisor_scope=SupervisorScope.DIRECTORATE,
            profile__directorate_id=case.directorate_id,
        )
    if case.office_id:
        scope |= Q(
            profile__supervisor_scope=SupervisorScope.OFFICE, profile__office_id=case.office_id
        )
        delegacion = (
            case.office.parent_id if case.office and case.office.parent_id else case.office_id
        )
        scope |= Q(
            profile__supervisor_scope=SupervisorScope.DELEGACION, profile__office_id=delegacion
        )
    users = (
        get_user_model()
        .objects.filter(scope, is_active=True, profile__role=Role.SUPERVISOR)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_breach(case_id: int, now) -> int:  # type: ignore[no-untyped-def]
    """E-mail the case's supervisors that its term was breached; records a NOTIFIED event."""
    case = Case.objects.select_related("service", "office", "area").get(pk=case_id)
    recipients = breach_recipients(case)
    if not recipients:
        return 0
    subject = f"Plazo vencido: {case.folio}"
    body = render_to_string("cases/email/breach.txt", {"case": case})
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])
    _record_notice(case, now, {"template": "breach", "recipients": len(recipients)})
    return len(recipients)
