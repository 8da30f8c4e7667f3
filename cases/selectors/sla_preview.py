"""The SLA promise in plain Spanish, before a case exists: what ``case_create`` would snapshot
for a case received now (SPEC §6), for the agent's intake page and the citizen's portal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Service, SlaUnit
from channels.models import Channel, Office

from ..notices.notifications import spanish_date
from ..sla.policy import CENTRAL_TZ, sla_calendar_for, sla_policy_for, sla_snapshot


def sla_term_text(value: int, unit: str) -> str:
    """`15 días hábiles`, `60 minutos hábiles`, `30 días naturales`, `1 hora`."""
    words = {
        SlaUnit.BUSINESS_MINUTES: ngettext("%(n)d minuto hábil", "%(n)d minutos hábiles", value),
        SlaUnit.BUSINESS_HOURS: ngettext("%(n)d hora hábil", "%(n)d horas hábiles", value),
        SlaUnit.BUSINESS_DAYS: ngettext("%(n)d día hábil", "%(n)d días hábiles", value),
        SlaUnit.CALENDAR_HOURS: ngettext("%(n)d hora", "%(n)d horas", value),
        SlaUnit.CALENDAR_DAYS: ngettext("%(n)d día natural", "%(n)d días naturales", value),
    }
    return words[SlaUnit(unit)] % {"n": value}


def due_text(instant: dt.datetime, unit: str, tz_name: str) -> str:
    """`18 de noviembre de 2026`; with the hour when the term is counted in minutes or hours."""
    with_time = unit not in (SlaUnit.BUSINESS_DAYS, SlaUnit.CALENDAR_DAYS)
    text = spanish_date(instant, tz_name, with_time=with_time)
    if with_time:
        day, hour = text.rsplit(", ", 1)
        return _("%(day)s a las %(hour)s") % {"day": day, "hour": hour}
    return text


@dataclass(frozen=True)
class SlaPreview:
    """What the citizen is promised if the case is registered now."""

    resolution_due_at: dt.datetime
    resolution_term: str
    due_text: str
    first_response_term: str
    timezone: str
    calendar_name: str
    extension_term: str = ""  # the one extension the term admits, if any

    @property
    def sentence(self) -> str:
        return _("Respuesta a más tardar el %(date)s") % {"date": self.due_text}


def office_timezone(office: Office | None) -> str:
    return office.timezone if office is not None else CENTRAL_TZ


def sla_preview(
    service: Service, channel: Channel, office: Office | None, now: dt.datetime
) -> SlaPreview:
    """The due instant ``case_create`` would snapshot for a case received `now` (SPEC §6)."""
    policy = sla_policy_for(service, channel)
    calendar = sla_calendar_for(policy, channel, office)
    snapshot = sla_snapshot(policy, calendar, now)
    tz_name = office_timezone(office)
    first = ""
    if policy.first_response_value:
        first = sla_term_text(policy.first_response_value, policy.first_response_unit)
    return SlaPreview(
        resolution_due_at=snapshot.resolution_due_at,
        resolution_term=sla_term_text(policy.resolution_value, policy.resolution_unit),
        due_text=due_text(snapshot.resolution_due_at, policy.resolution_unit, tz_name),
        first_response_term=first,
        timezone=tz_name,
        calendar_name=calendar.name,
        extension_term=(
            sla_term_text(policy.extension_value, policy.resolution_unit)
            if policy.extension_value
            else ""
        ),
    )
