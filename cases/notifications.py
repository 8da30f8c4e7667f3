"""E-mail notifications. Called from tasks queued on commit; a failure never blocks a case."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string

from accounts.models import Role, SupervisorScope

from .events import SYSTEM, event_record
from .models import Case, EventKind


def breach_recipients(case: Case) -> list[str]:
    """Supervisors who oversee the case: national, its directorate, or its office / delegación."""
    scope = Q(profile__supervisor_scope=SupervisorScope.NATIONAL)
    if case.directorate_id:
        scope |= Q(profile__supervisor_scope=SupervisorScope.DIRECTORATE, profile__directorate_id=case.directorate_id)
    if case.office_id:
        scope |= Q(profile__supervisor_scope=SupervisorScope.OFFICE, profile__office_id=case.office_id)
        delegacion = case.office.parent_id if case.office and case.office.parent_id else case.office_id
        scope |= Q(profile__supervisor_scope=SupervisorScope.DELEGACION, profile__office_id=delegacion)
    users = get_user_model().objects.filter(scope, is_active=True, profile__role=Role.SUPERVISOR).exclude(email="")
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
    event_record(case, EventKind.NOTIFIED, SYSTEM, now, {"template": "breach", "recipients": len(recipients)})
    return len(recipients)
