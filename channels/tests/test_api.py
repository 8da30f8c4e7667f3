"""Channels, offices and calendars API (SPEC §8), and the calendar the SLA clock gets."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_client_create
from businesstime import clock
from channels.models import BusinessCalendar, CalendarException, CalendarInterval, Channel, Office
from channels.selectors import calendar_spec_cache_clear, calendar_spec_for
from infonavit_atencion.core.api_scopes import Scope

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
HOLIDAYS_2026 = [
    "2026-01-01",
    "2026-02-02",
    "2026-03-16",
    "2026-05-01",
    "2026-09-16",
    "2026-11-16",
    "2026-12-25",
]
OFFICE_HOURS = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]


@pytest.fixture
def api() -> APIClient:
    _, key = api_client_create("Portal Mi Cuenta", "MICUENTA", [Scope.CATALOG_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _calendar(api: APIClient, code: str, year: int | str | None = 2026) -> dict:
    query = "" if year is None else f"?year={year}"
    response = api.get(f"/api/v1/calendars/{code}/{query}")
    assert response.status_code == 200, response.content
    return response.json()


# --- channels ----------------------------------------------------------------------------


def test_channels_list_every_channel_with_its_flags(api):
    # Given one channel retired
    Channel.objects.filter(code="WHATSAPP").update(active=False)

    # When the list is read
    response = api.get("/api/v1/channels/")

    # Then every channel is there, by code, in the SPEC shape
    body = response.json()
    assert response.status_code == 200
    assert [c["code"] for c in body] == sorted(Channel.objects.values_list("code", flat=True))
    assert body[0] == {
        "code": "APP",
        "name": Channel.objects.get(code="APP").name,
        "kind": "digital",
        "ownership": "propio",
        "active": True,
    }
    assert next(c for c in body if c["code"] == "CESI")["kind"] == "presencial"
    assert next(c for c in body if c["code"] == "WHATSAPP")["active"] is False


def test_channels_for_each_caller(agent):
    # Without credentials 401; with a client lacking the scope 403; staff 200
    _, key = api_client_create("Sin catálogo", "MICUENTA", [Scope.CASES_READ])
    no_scope = APIClient()
    no_scope.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    staff = APIClient()
    staff.force_login(agent)

    assert APIClient().get("/api/v1/channels/").status_code == 401
    assert no_scope.get("/api/v1/channels/").status_code == 403
    assert staff.get("/api/v1/channels/").status_code == 200


def test_channels_refuse_writes_with_405_problem(api):
    response = api.put("/api/v1/channels/", {}, format="json")

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM


# --- offices -----------------------------------------------------------------------------


def test_offices_list_active_offices_with_codes_for_references(api):
    # Given one office closed
    Office.objects.filter(code="CESI_ENSENADA").update(active=False)

    # When the list is read
    body = api.get("/api/v1/offices/").json()

    # Then only active offices, each referring by code to its calendar and delegación
    codes = [o["code"] for o in body]
    assert codes == sorted(Office.objects.filter(active=True).values_list("code", flat=True))
    assert "CESI_ENSENADA" not in codes
    by_code = {o["code"]: o for o in body}
    assert by_code["CESI_TIJUANA"] == {
        "code": "CESI_TIJUANA",
        "name": "Cesi Tijuana",
        "kind": "cesi",
        "state": "02",
        "timezone": "America/Tijuana",
        "calendar": "CESI_TIJUANA",
        "parent": "DEL_BC",
    }
    assert by_code["DEL_BC"]["parent"] is None


def test_offices_filters(api):
    cesis_in_bc = api.get("/api/v1/offices/?kind=cesi&state=02").json()
    contact_centres = api.get("/api/v1/offices/?channel=INFONATEL").json()

    assert {o["code"] for o in cesis_in_bc} == set(
        Office.objects.filter(kind="cesi", state="02", active=True).values_list("code", flat=True)
    )
    assert "CESI_TIJUANA" in {o["code"] for o in cesis_in_bc}
    assert {o["kind"] for o in contact_centres} == {"contact_centre"}
    assert {o["code"] for o in contact_centres} == set(
        Office.objects.filter(channels__code="INFONATEL", active=True).values_list(
            "code", flat=True
        )
    )


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("kind=tienda", "kind", "invalid_choice"),
        ("state=99", "state", "invalid_choice"),
        ("channel=FAX", "channel", "does_not_exist"),
    ],
)
def test_offices_bad_filter_is_400_with_the_field(api, query, field, code):
    response = api.get(f"/api/v1/offices/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_offices_list_does_not_query_per_office(api, django_assert_max_num_queries):
    # Token lookup + offices (calendar and parent joined): constant, whatever the office count
    assert Office.objects.count() > 50
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/offices/")
    assert response.status_code == 200


# --- calendars ---------------------------------------------------------------------------


def test_calendars_list(api):
    body = api.get("/api/v1/calendars/").json()

    assert [c["code"] for c in body] == sorted(
        BusinessCalendar.objects.values_list("code", flat=True)
    )
    assert {
        "code": "CESI_TIJUANA",
        "name": "Horario Cesi — zona Tijuana",
        "timezone": "America/Tijuana",
    } in body


def test_institutional_calendar_2026_lists_weekly_hours_and_the_seven_official_holidays(api):
    body = _calendar(api, "INSTITUCIONAL", 2026)

    assert body["code"] == "INSTITUCIONAL"
    assert body["name"] == "Calendario institucional (oficinas centrales)"
    assert body["timezone"] == "America/Mexico_City"
    assert body["weekly"] == OFFICE_HOURS
    assert [h["date"] for h in body["holidays"]] == HOLIDAYS_2026
    assert body["holidays"][0] == {"date": "2026-01-01", "name": "Año Nuevo"}
    assert body["exceptions"] == []
    assert list(body) == ["code", "name", "timezone", "weekly", "holidays", "exceptions"]


def test_calendar_exceptions_of_the_year_appear_with_their_intervals(api):
    # Given a closed day and a special open Saturday in 2026, and an exception in 2027
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    CalendarException.objects.create(
        calendar=calendar, date=date(2026, 12, 24), closed=True, name="Suspensión"
    )
    CalendarException.objects.create(
        calendar=calendar,
        date=date(2026, 12, 5),
        closed=False,
        intervals="09:00-13:00, 15:00-17:00",
        name="Sábado de atención extraordinaria",
    )
    CalendarException.objects.create(
        calendar=calendar, date=date(2027, 1, 4), closed=True, name="Otro año"
    )

    # When the 2026 calendar is read
    body = _calendar(api, "INSTITUCIONAL", 2026)

    # Then exactly the two 2026 exceptions, by date
    assert body["exceptions"] == [
        {
            "date": "2026-12-05",
            "closed": False,
            "intervals": [{"start": "09:00", "end": "13:00"}, {"start": "15:00", "end": "17:00"}],
            "name": "Sábado de atención extraordinaria",
        },
        {"date": "2026-12-24", "closed": True, "intervals": [], "name": "Suspensión"},
    ]


def test_an_open_exception_without_hours_is_reported_closed(api):
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    CalendarException.objects.create(
        calendar=calendar, date=date(2026, 7, 1), closed=False, name="Sin horario"
    )

    body = _calendar(api, "INSTITUCIONAL", 2026)

    assert body["exceptions"] == [
        {"date": "2026-07-01", "closed": True, "intervals": [], "name": "Sin horario"}
    ]


def test_a_calendar_that_ignores_holidays_lists_none(api):
    BusinessCalendar.objects.filter(code="INFONATEL").update(observe_holidays=False)

    body = _calendar(api, "INFONATEL", 2026)

    assert body["holidays"] == []
    assert body["weekly"][-1] == {"weekday": 5, "start": "09:00", "end": "15:00"}


def test_calendar_year_defaults_to_the_current_year_in_mexico_city(api):
    this_year = timezone.localdate(timezone=ZoneInfo("America/Mexico_City")).year

    body = _calendar(api, "INSTITUCIONAL", None)

    assert {h["date"][:4] for h in body["holidays"]} == {str(this_year)}


@pytest.mark.parametrize("year", ["1999", "2101", "dosmil", "2026.5"])
def test_calendar_bad_year_is_400_on_field_year(api, year):
    response = api.get(f"/api/v1/calendars/INSTITUCIONAL/?year={year}")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400
    assert [e["field"] for e in body["errors"]] == ["year"]
    assert body["errors"][0]["message"]


def test_unknown_calendar_is_404_problem(api):
    response = api.get("/api/v1/calendars/NO_EXISTE/?year=2026")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "No existe el calendario «NO_EXISTE»."


def test_overnight_weekly_hours_are_shown_as_the_clock_splits_them(api):
    # Given a calendar open Monday 22:00 to Tuesday 06:00
    calendar = BusinessCalendar.objects.create(
        code="NOCTURNO", name="Guardia nocturna", timezone="America/Mexico_City"
    )
    CalendarInterval.objects.create(calendar=calendar, weekday=0, start="22:00", end="06:00")

    # When the calendar is read
    body = _calendar(api, "NOCTURNO", 2026)

    # Then Monday until 24:00 and Tuesday from 00:00, exactly the clock's weekly hours
    assert body["weekly"] == [
        {"weekday": 0, "start": "22:00", "end": "24:00"},
        {"weekday": 1, "start": "00:00", "end": "06:00"},
    ]
    assert calendar_spec_for(calendar.pk).weekly == (
        (0, clock.Interval(1320, 1440)),
        (1, clock.Interval(0, 360)),
    )


# --- calendar_spec_for: the same calendar for the API and the SLA clock -----------------


def _open_days_from_api(body: dict, year: int) -> list[date]:
    """Apply SPEC §6 to the API answer: exception, else holiday (closed), else weekly hours."""
    weekly_days = {w["weekday"] for w in body["weekly"]}
    holidays = {h["date"] for h in body["holidays"]}
    exceptions = {e["date"]: e for e in body["exceptions"]}
    day, open_days = date(year, 1, 1), []
    while day.year == year:
        iso = day.isoformat()
        if iso in exceptions:
            is_open = bool(exceptions[iso]["intervals"])
        else:
            is_open = iso not in holidays and day.weekday() in weekly_days
        if is_open:
            open_days.append(day)
        day += timedelta(days=1)
    return open_days


def _open_days_from_clock(code: str, year: int) -> list[date]:
    spec = calendar_spec_for(BusinessCalendar.objects.get(code=code).pk)
    day, open_days = date(year, 1, 1), []
    while day.year == year:
        if clock.is_business_day(spec, day):
            open_days.append(day)
        day += timedelta(days=1)
    return open_days


@pytest.mark.parametrize("code", ["CESI_TIJUANA", "INSTITUCIONAL", "CESI_MONTERREY_EXT"])
def test_open_days_of_the_api_are_the_clocks_open_days(api, code):
    # Given a closed weekday and a worked holiday (an exception overrides the holiday)
    calendar = BusinessCalendar.objects.get(code=code)
    CalendarException.objects.create(
        calendar=calendar, date=date(2026, 4, 2), closed=True, name="Jueves Santo"
    )
    CalendarException.objects.create(
        calendar=calendar,
        date=date(2026, 9, 16),
        closed=False,
        intervals="10:00-12:00",
        name="Guardia",
    )

    # When both views of 2026 are compared
    from_api = _open_days_from_api(_calendar(api, code, 2026), 2026)
    from_clock = _open_days_from_clock(code, 2026)

    # Then they are the same days
    assert from_api == from_clock
    assert date(2026, 4, 2) not in from_api
    assert date(2026, 9, 16) in from_api
    assert date(2026, 11, 16) not in from_api


def test_api_weekly_and_exception_hours_equal_the_clock_intervals_each_day(api):
    calendar = BusinessCalendar.objects.get(code="CESI_TIJUANA")
    CalendarException.objects.create(
        calendar=calendar,
        date=date(2026, 3, 7),
        closed=False,
        intervals="09:00-13:00",
        name="Sábado",
    )
    body = _calendar(api, "CESI_TIJUANA", 2026)
    spec = calendar_spec_for(calendar.pk)

    saturday = next(e for e in body["exceptions"] if e["date"] == "2026-03-07")
    monday = [w for w in body["weekly"] if w["weekday"] == 0]
    assert [
        (clock.parse_hhmm(i["start"]), clock.parse_hhmm(i["end"])) for i in saturday["intervals"]
    ] == [(i.start, i.end) for i in clock.intervals_on(spec, date(2026, 3, 7))]
    assert [(clock.parse_hhmm(w["start"]), clock.parse_hhmm(w["end"])) for w in monday] == [
        (i.start, i.end) for i in clock.intervals_on(spec, date(2026, 3, 9))
    ]


def test_calendar_spec_for_builds_the_clock_spec_from_the_rows():
    calendar = BusinessCalendar.objects.get(code="CESI_TIJUANA")

    spec = calendar_spec_for(calendar.pk)

    assert spec == clock.make_calendar(
        "CESI_TIJUANA",
        "America/Tijuana",
        [(d, "08:30", "14:30") for d in range(5)],
        {},
        observe_holidays=True,
    )


def test_calendar_spec_for_is_cached_until_the_calendar_changes(django_assert_num_queries):
    calendar_spec_cache_clear()
    calendar = BusinessCalendar.objects.get(code="INSTITUCIONAL")
    first = calendar_spec_for(calendar.pk)

    # An unchanged calendar: one cheap query, the same object
    with django_assert_num_queries(1):
        assert calendar_spec_for(calendar.pk) is first

    # An interval edited in place (as in the admin inline): new hours
    interval = CalendarInterval.objects.get(calendar=calendar, weekday=0)
    interval.end = "17:00"
    interval.save()
    edited = calendar_spec_for(calendar.pk)
    assert clock.intervals_on(edited, date(2026, 3, 9)) == (clock.Interval(540, 1020),)

    # A new exception: included at once
    CalendarException.objects.create(
        calendar=calendar, date=date(2026, 3, 10), closed=True, name="Cierre"
    )
    assert calendar_spec_for(calendar.pk).exceptions[date(2026, 3, 10)] == ()

    # An exception edited: its new hours
    exception = CalendarException.objects.get(calendar=calendar, date=date(2026, 3, 10))
    exception.closed, exception.intervals = False, "10:00-11:00"
    exception.save()
    assert calendar_spec_for(calendar.pk).exceptions[date(2026, 3, 10)] == (
        clock.Interval(600, 660),
    )

    # The calendar's own flags
    calendar.observe_holidays = False
    calendar.save()
    assert calendar_spec_for(calendar.pk).observe_holidays is False

    # An interval removed
    interval.delete()
    assert clock.intervals_on(calendar_spec_for(calendar.pk), date(2026, 3, 9)) == ()


def test_calendar_spec_for_an_unknown_id_raises_does_not_exist():
    with pytest.raises(BusinessCalendar.DoesNotExist):
        calendar_spec_for(999_999)
