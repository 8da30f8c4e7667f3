"""Calendar notices: a change to a calendar's open time, previewed, then confirmed (ADR 0014).

An administrator records the change (a dated exception set or removed over a range of days, or
new weekly hours) as a pending :class:`~channels.models.CalendarNotice`. Its preview says how
many open cases would move; :func:`calendar_notice_apply` writes the change to the calendar and
hands the calendar to the case side to recompute its open cases.

Channels knows no cases (STYLE.md floors): what a change does to cases comes through the port in
:mod:`channels.ports`, which the cases app fills when it starts (``cases.apps``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from businesstime.clock import CalendarSpec, make_calendar

from .models import (
    BusinessCalendar,
    CalendarException,
    CalendarInterval,
    CalendarNotice,
    parse_interval_list,
)
from .ports import calendar_change_port
from .selectors import calendar_spec_for

MAX_NOTICE_DAYS = 366


def parse_weekly(text: str) -> list[tuple[int, str, str]]:
    """ "0 09:00-14:00, 15:00-18:00" per line (0 = Monday) into (weekday, start, end) rows."""
    rows: list[tuple[int, str, str]] = []
    for line in [raw.strip() for raw in text.splitlines() if raw.strip()]:
        head, _space, rest = line.partition(" ")
        if not head.isdigit() or not 0 <= int(head) <= 6:
            raise ValidationError(
                _("Línea «%(line)s»: empiece con el día de la semana (0 = lunes … 6 = domingo).")
                % {"line": line}
            )
        try:
            pairs = parse_interval_list(rest)
        except ValueError as bad:
            raise ValidationError(
                _("Línea «%(line)s»: intervalo inválido «%(chunk)s».")
                % {"line": line, "chunk": bad}
            ) from bad
        rows.extend((int(head), start, end) for start, end in pairs)
    return rows


def notice_days(notice: CalendarNotice) -> list[dt.date]:
    assert notice.date_from is not None
    last = notice.date_to or notice.date_from
    return [
        notice.date_from + dt.timedelta(days=n) for n in range((last - notice.date_from).days + 1)
    ]


def calendar_notice_validate(notice: CalendarNotice) -> None:
    """Refuse a notice that cannot be applied (ValidationError with Spanish messages)."""
    if notice.action == CalendarNotice.Action.WEEKLY_SET:
        if not notice.weekly.strip():
            raise ValidationError({"weekly": _("Escriba el nuevo horario semanal.")})
        try:
            parse_weekly(notice.weekly)
        except ValidationError as bad:
            raise ValidationError({"weekly": bad.messages}) from bad
        return
    if notice.date_from is None:
        raise ValidationError({"date_from": _("Indique la fecha (o la primera fecha) del aviso.")})
    if notice.date_to is not None:
        if notice.date_to < notice.date_from:
            raise ValidationError(
                {"date_to": _("La fecha final no puede ser anterior a la inicial.")}
            )
        if (notice.date_to - notice.date_from).days >= MAX_NOTICE_DAYS:
            raise ValidationError({"date_to": _("Un aviso abarca como máximo un año.")})
    if notice.action == CalendarNotice.Action.EXCEPTION_SET and notice.closed and notice.intervals:
        raise ValidationError({"intervals": _("Un día cerrado no lleva horario especial.")})


def notice_spec(notice: CalendarNotice) -> CalendarSpec:
    """The calendar's clock spec as it would be with the notice applied (nothing written)."""
    current = calendar_spec_for(notice.calendar_id)
    weekly: list = list(current.weekly)
    exceptions = dict(current.exceptions)
    if notice.action == CalendarNotice.Action.WEEKLY_SET:
        weekly = list(parse_weekly(notice.weekly))
    elif notice.action == CalendarNotice.Action.EXCEPTION_REMOVE:
        for day in notice_days(notice):
            exceptions.pop(day, None)
    else:
        pairs = [] if notice.closed else parse_interval_list(notice.intervals)
        for day in notice_days(notice):
            exceptions[day] = pairs  # type: ignore[assignment]
    return make_calendar(
        current.code,
        current.timezone,
        weekly,
        exceptions,
        observe_holidays=current.observe_holidays,
    )


def calendar_notice_preview(notice: CalendarNotice, now: dt.datetime) -> dict:
    """Compute and keep the notice's preview (what it would change in the open cases now)."""
    notice.preview = calendar_change_port().preview(notice.calendar_id, notice_spec(notice), now)
    notice.preview["computed_at"] = now.isoformat()
    CalendarNotice.objects.filter(pk=notice.pk).update(preview=notice.preview)
    return notice.preview


def calendar_notice_create(
    notice: CalendarNotice, user: User | None, now: dt.datetime
) -> CalendarNotice:
    """Record a pending notice and its preview."""
    calendar_notice_validate(notice)
    notice.created_by = user
    notice.status = CalendarNotice.Status.PENDING
    notice.save()
    calendar_notice_preview(notice, now)
    return notice


def notice_cause(notice: CalendarNotice) -> str:
    return f"{notice.name} ({notice.source})" if notice.source else notice.name


def _write(notice: CalendarNotice) -> None:
    calendar = notice.calendar
    if notice.action == CalendarNotice.Action.WEEKLY_SET:
        calendar.intervals.all().delete()
        for weekday, start, end in parse_weekly(notice.weekly):
            CalendarInterval.objects.create(
                calendar=calendar, weekday=weekday, start=start, end=end
            )
        return
    days = notice_days(notice)
    if notice.action == CalendarNotice.Action.EXCEPTION_REMOVE:
        CalendarException.objects.filter(calendar=calendar, date__in=days).delete()
        return
    for day in days:
        CalendarException.objects.update_or_create(
            calendar=calendar,
            date=day,
            defaults={
                "closed": notice.closed,
                "intervals": "" if notice.closed else notice.intervals,
                "name": notice.name,
                "source": notice.source,
            },
        )


def calendar_notice_apply(notice_id: int, user: User | None, now: dt.datetime) -> CalendarNotice:
    """Confirm a pending notice: write it to the calendar and start recomputing the open cases.
    A notice already applied or discarded is refused (ValidationError) and nothing changes."""
    with transaction.atomic():
        notice = (
            CalendarNotice.objects.select_for_update().select_related("calendar").get(pk=notice_id)
        )
        if notice.status != CalendarNotice.Status.PENDING:
            raise ValidationError(_("Este aviso ya no está pendiente; no se aplicó de nuevo."))
        calendar_notice_validate(notice)
        _write(notice)
        BusinessCalendar.objects.filter(pk=notice.calendar_id).update(updated_at=now)
        notice.status, notice.applied_by, notice.applied_at = (
            CalendarNotice.Status.APPLIED,
            user,
            now,
        )
        notice.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
        calendar_change_port().repair(notice.calendar, notice, now)
    return notice


def calendar_notice_discard(notice_id: int) -> None:
    CalendarNotice.objects.filter(pk=notice_id, status=CalendarNotice.Status.PENDING).update(
        status=CalendarNotice.Status.DISCARDED
    )


def preview_lines(preview: dict) -> list[str]:
    """The preview as the commands print it (Spanish, one line per group)."""
    lines = [
        f"Calendario {preview['calendar']}: {preview['open_cases']} casos abiertos, "
        f"{preview['changed']} cambiarían.",
        f"  Vencimiento de resolución: {preview['resolution_moved']} "
        f"({preview['later']} más tarde, {preview['earlier']} antes); primera respuesta: "
        f"{preview['first_response_moved']}; alerta: {preview['warn_moved']}.",
        f"  Vencimientos que se levantan: {preview['breaches_lifted']}; que aparecen: "
        f"{preview['breaches_appearing']}; avisos a ciudadanos: {preview['citizens_told']}.",
    ]
    if preview["shift_min_hours"] is not None:
        lines.append(
            f"  Desplazamiento de la resolución: de {preview['shift_min_hours']:+.1f} h "
            f"a {preview['shift_max_hours']:+.1f} h."
        )
    for key, title in (
        ("by_office", "oficina"),
        ("by_service", "servicio"),
        ("by_channel", "canal"),
    ):
        for row in preview[key]:
            lines.append(
                f"  Por {title} {row['code']}: {row['cases']} casos "
                f"(resolución {row['resolution_moved']}, primera respuesta "
                f"{row['first_response_moved']}, alerta {row['warn_moved']}, "
                f"levantados {row['breaches_lifted']}, nuevos vencidos {row['breaches_appearing']})"
            )
    return lines
