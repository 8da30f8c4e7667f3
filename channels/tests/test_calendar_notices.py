"""Calendar notices in the admin: a change to open time is previewed, then confirmed (ADR 0014)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cases.events import Actor
from cases.models import Case, CaseEvent, SlaRepairRun
from channels.models import BusinessCalendar, CalendarException, CalendarInterval, CalendarNotice
from tests.support.cases import make_case

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
RECEIVED = dt.datetime(2026, 11, 13, 10, 0, tzinfo=MX)
DUE = dt.datetime(2026, 12, 7, 18, 0, tzinfo=MX)
NEW_DUE = dt.datetime(2026, 12, 10, 18, 0, tzinfo=MX)


def _admin(admin_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    return client


def _notice_form(calendar: BusinessCalendar, **overrides: str) -> dict[str, str]:
    form = {
        "calendar": str(calendar.pk),
        "action": "exception_set",
        "date_from": "2026-11-17",
        "date_to": "2026-11-19",
        "closed": "on",
        "intervals": "",
        "weekly": "",
        "name": "Suspensión de plazos por huracán",
        "source": "DOF 20-11-2026",
        "_save": "Guardar",
    }
    form.update(overrides)
    return form


def test_preview_then_confirm_applies_the_notice(
    admin_user, agent, django_capture_on_commit_callbacks
):
    case = make_case(Actor(user=agent), now=RECEIVED)
    assert case.resolution_due_at == DUE
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    client = _admin(admin_user)
    # Saving the notice records it as pending and shows what would change; nothing changes yet
    response = client.post(
        reverse("admin:channels_calendarnotice_add"), _notice_form(calendar), follow=True
    )
    assert response.status_code == 200
    notice = CalendarNotice.objects.get()
    assert notice.status == "pending" and notice.created_by == admin_user
    assert (notice.preview["open_cases"], notice.preview["changed"], notice.preview["later"]) == (
        1,
        1,
        1,
    )
    assert notice.preview["by_channel"][0]["code"] == "MICUENTA"
    page = response.content.decode()
    assert "De 1 casos abiertos del calendario, cambiarían 1." in page
    assert 'name="_apply"' in page
    assert not CalendarException.objects.filter(
        calendar=calendar, date__range=("2026-11-17", "2026-11-19")
    ).exists()
    assert Case.objects.get(pk=case.pk).resolution_due_at == DUE
    # Confirming writes the three closed days and recomputes the open cases
    change = reverse("admin:channels_calendarnotice_change", args=[notice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, {"_apply": "Confirmar"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "applied" and notice.applied_by == admin_user
    days = CalendarException.objects.filter(
        calendar=calendar, date__range=("2026-11-17", "2026-11-19")
    )
    assert sorted((d.date.isoformat(), d.closed, d.source) for d in days) == [
        ("2026-11-17", True, "DOF 20-11-2026"),
        ("2026-11-18", True, "DOF 20-11-2026"),
        ("2026-11-19", True, "DOF 20-11-2026"),
    ]
    assert Case.objects.get(pk=case.pk).resolution_due_at == NEW_DUE
    event = CaseEvent.objects.get(case=case, kind="sla_recomputed")
    assert event.data["notice"] == notice.pk
    assert event.data["cause"] == "Suspensión de plazos por huracán (DOF 20-11-2026)"
    assert SlaRepairRun.objects.get().status == "done"
    # A second confirmation is refused and changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change, {"_apply": "Confirmar"})
    assert SlaRepairRun.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="sla_recomputed").count() == 1


def test_discarded_notice_changes_nothing(admin_user, agent):
    case = make_case(Actor(user=agent), now=RECEIVED)
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    client = _admin(admin_user)
    client.post(reverse("admin:channels_calendarnotice_add"), _notice_form(calendar))
    notice = CalendarNotice.objects.get()
    client.post(
        reverse("admin:channels_calendarnotice_change", args=[notice.pk]), {"_discard": "Descartar"}
    )
    notice.refresh_from_db()
    assert notice.status == "discarded"
    assert not SlaRepairRun.objects.exists()
    assert Case.objects.get(pk=case.pk).resolution_due_at == DUE
    assert not CalendarException.objects.filter(
        calendar=calendar, date__range=("2026-11-17", "2026-11-19")
    ).exists()


def test_a_weekly_change_is_previewed_like_an_exception(admin_user, agent):
    make_case(Actor(user=agent), now=RECEIVED)
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    weekly = "\n".join(f"{day} 09:00-14:00" for day in range(5))
    _admin(admin_user).post(
        reverse("admin:channels_calendarnotice_add"),
        _notice_form(calendar, action="weekly_set", date_from="", date_to="", weekly=weekly),
    )
    notice = CalendarNotice.objects.get()
    # 15 business days still end on 7 December, now at 14:00: earlier, and the warning moves
    assert (notice.preview["changed"], notice.preview["earlier"], notice.preview["later"]) == (
        1,
        1,
        0,
    )
    assert notice.preview["shift_min_hours"] == -4.0
    assert (
        CalendarInterval.objects.filter(calendar=calendar, end="18:00").count() == 5
    )  # not applied


def test_an_invalid_notice_is_refused_on_the_form(admin_user):
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    response = _admin(admin_user).post(
        reverse("admin:channels_calendarnotice_add"),
        _notice_form(calendar, date_from="2026-11-19", date_to="2026-11-17"),
    )
    assert response.status_code == 200
    assert "La fecha final no puede ser anterior a la inicial." in response.content.decode()
    assert not CalendarNotice.objects.exists()


def test_existing_calendars_open_time_is_read_only_in_the_admin(admin_user):
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    exception = CalendarException.objects.create(
        calendar=calendar, date=dt.date(2026, 12, 24), name="x"
    )
    client = _admin(admin_user)
    assert client.get(reverse("admin:channels_calendarexception_add")).status_code == 403
    response = client.post(
        reverse("admin:channels_calendarexception_delete", args=[exception.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert CalendarException.objects.filter(pk=exception.pk).exists()
