"""Small presentation helpers for the browser templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent, CaseStatus, EventKind, Priority
from cases.models.case import PRIORITY_NAMES
from infonavit_atencion.core.spanish_dates import long_date, short_date

register = template.Library()

STATUS_CLASSES = {
    CaseStatus.NEW: "text-bg-light border",
    CaseStatus.ASSIGNED: "text-bg-primary",
    CaseStatus.IN_PROGRESS: "text-bg-primary",
    CaseStatus.WAITING: "text-bg-info",
    CaseStatus.RESOLVED: "text-bg-success",
    CaseStatus.CLOSED: "text-bg-secondary",
    CaseStatus.CANCELLED: "text-bg-dark",
}


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def fecha(value: dt.datetime | None) -> str:
    """`7 de diciembre de 2026`, in the viewer's timezone."""
    if not value:
        return ""
    return long_date(_local(value))


@register.filter
def fecha_hora(value: dt.datetime | None) -> str:
    """`7 de diciembre de 2026, 09:30`, in the viewer's timezone."""
    if not value:
        return ""
    return f"{fecha(value)}, {_local(value):%H:%M}"


@register.filter
def fecha_corta(value: dt.datetime | None) -> str:
    """`7 dic 2026 09:30` for tables and timelines, in the viewer's timezone."""
    if not value:
        return ""
    local = _local(value)
    return f"{short_date(local)} {local:%H:%M}"


@register.filter
def fecha_dia(value: dt.datetime | None) -> str:
    """`7 dic 2026` for tables with no time of day, in the viewer's timezone."""
    if not value:
        return ""
    return short_date(_local(value))


@register.filter
def timedelta_minutes(value: dt.timedelta | None) -> int:
    return int(value.total_seconds() // 60) if value else 0


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")  # type: ignore[call-overload]


@register.filter
def status_label(status: str) -> str:
    try:
        return str(CaseStatus(status).label)
    except ValueError:
        return status


@register.filter
def priority_label(value: int) -> str:
    return str(Priority(value).label)


@register.filter
def event_label(event: CaseEvent) -> str:
    return str(EventKind(event.kind).label) if event.kind in EventKind.values else event.kind


@register.filter
def event_actor(event: CaseEvent) -> str:
    if event.actor_user is not None:
        return person(event.actor_user)
    if event.actor_client is not None:
        return event.actor_client.name
    if event.kind == EventKind.COMMENTED and (event.data or {}).get("by") == "citizen":
        return _("ciudadano")
    return _("Sistema")


@register.filter
def event_detail(event: CaseEvent) -> str:
    """One line about what the event changed, from its data (never personal data)."""
    data: dict[str, Any] = event.data or {}
    parts = []
    if data.get("from") and data.get("to") and data["from"] != data["to"]:
        parts.append(f"{status_label(data['from'])} → {status_label(data['to'])}")
    if data.get("to_area"):
        parts.append(_("a %(area)s") % {"area": data["to_area"]})
    if data.get("assignee"):
        parts.append(_("asignado a %(user)s") % {"user": data["assignee"]})
    if data.get("reason"):
        parts.append(_("motivo: %(reason)s") % {"reason": data["reason"]})
    if data.get("name"):
        parts.append(_("archivo: %(name)s") % {"name": data["name"]})
    if data.get("inbound_message"):
        parts.append(_("correo entrante n.º %(id)s") % {"id": data["inbound_message"]})
    if event.kind == EventKind.COMMENTED and data.get("by") == "citizen":
        parts.append(_("respuesta del ciudadano"))
        if data.get("via") == "correo":  # read from the inbound mailbox (inbound app)
            parts.append(_("por correo"))
    elif event.kind == EventKind.COMMENTED:
        parts.append(_("comentario público") if data.get("public") else _("comentario interno"))
    if event.kind == EventKind.RECLASSIFIED and data.get("to"):
        parts = [f"{data.get('from')} → {data.get('to')}"]
    if event.kind == EventKind.MACRO_APPLIED:
        parts = _macro_detail(data)
    return " · ".join(parts)


def _macro_detail(data: dict[str, Any]) -> list[str]:
    """What a macro did: its name, the comment's visibility, the priority and the action."""
    parts = [
        f"«{data.get('title', '')}»",
        _("comentario público") if data.get("public") else _("comentario interno"),
    ]
    if data.get("priority"):
        rank = {name: rank for rank, name in PRIORITY_NAMES.items()}.get(data["priority"])
        label = Priority(rank).label if rank else data["priority"]
        parts.append(_("prioridad %(priority)s") % {"priority": str(label).lower()})
    if data.get("action") == "resolve":
        parts.append(_("resolvió el caso"))
    elif data.get("action") == "pause":
        parts.append(_("puso el caso en espera"))
    return parts


@register.filter
def filesize(value: int) -> str:
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    return f"{value / (1024 * 1024):.1f} MB"


@register.filter
def person(user: Any) -> str:
    """How a person reads a user: the full name, or the username when none was recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
