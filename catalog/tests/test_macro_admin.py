"""Macros are administered in the admin: created with what they do, a pause needs its reason."""

import pytest
from django.test import Client

from catalog.models import Macro, Service

pytestmark = pytest.mark.django_db


def _form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "service": Service.objects.get(code="QUEJA_CANALES_DIGITALES").pk,
        "title": "Pedir INE",
        "body": "Envíe su identificación oficial.",
        "public": "on",
        "action": "pause",
        "pause_reason": "Identificación pendiente",
        "priority": "high",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_macro(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post("/admin/catalog/macro/add/", _form())
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.title, macro.public, macro.action, macro.pause_reason, macro.priority) == (
        "Pedir INE",
        True,
        "pause",
        "Identificación pendiente",
        "high",
    )
    listing = client.get("/admin/catalog/macro/").content.decode()
    assert "Pedir INE" in listing


def test_a_pause_macro_without_its_reason_is_refused_in_spanish(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post("/admin/catalog/macro/add/", _form(pause_reason=""))
    assert response.status_code == 200
    assert "Indique el motivo de la espera que aplica esta macro." in response.content.decode()
    assert not Macro.objects.exists()


def test_staff_who_are_not_administrators_cannot_open_it(agent):
    client = Client()
    client.force_login(agent)
    response = client.get("/admin/catalog/macro/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
