"""From 1 December administrators are warned while next year's días-inhábiles notice is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from channels.checks import missing_next_year_notice, next_year_notice_check
from channels.models import NonWorkingDaysNotice

pytestmark = pytest.mark.django_db

MESSAGE_2027 = "No se ha cargado el aviso de días inhábiles del Infonavit para 2027."


def test_the_2026_notice_is_recorded_by_the_loader():
    assert NonWorkingDaysNotice.objects.get(year=2026).source.startswith("DOF 13-01-2026")


def test_no_warning_before_december():
    assert missing_next_year_notice(dt.date(2026, 11, 30)) is None


def test_warning_from_december_until_next_years_notice_is_loaded():
    assert missing_next_year_notice(dt.date(2026, 12, 1)) == 2027
    assert missing_next_year_notice(dt.date(2026, 12, 31)) == 2027
    NonWorkingDaysNotice.objects.create(year=2027, source="DOF")
    assert missing_next_year_notice(dt.date(2026, 12, 31)) is None


def _today(monkeypatch, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_system_check_warns_in_spanish_only_when_databases_are_checked(monkeypatch):
    _today(monkeypatch, dt.date(2026, 12, 6))
    assert next_year_notice_check(databases=None) == []
    [warning] = next_year_notice_check(databases=["default"])
    assert warning.id == "channels.W001"
    assert warning.msg.startswith(MESSAGE_2027)
    _today(monkeypatch, dt.date(2026, 11, 6))
    assert next_year_notice_check(databases=["default"]) == []


def test_admin_index_shows_the_banner(admin_user, monkeypatch):
    client = Client()
    client.force_login(admin_user)
    _today(monkeypatch, dt.date(2026, 12, 6))
    assert MESSAGE_2027 in client.get(reverse("admin:index")).content.decode()
    _today(monkeypatch, dt.date(2026, 6, 6))
    assert MESSAGE_2027 not in client.get(reverse("admin:index")).content.decode()
