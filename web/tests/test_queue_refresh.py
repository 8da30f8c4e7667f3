"""Issue 19 item 14: the queue's first page refreshes itself (queue.js asks for the results
fragment) and the navigation's count of e-mail to classify comes back with it, out of band."""

import re

import pytest

from tests.support.cases import staff
from tests.support.inbound import pending_message

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a class="nav-link" id="nav-inbound"( hx-swap-oob="true")? [^>]*>')


def _inbound_count(html: str) -> str:
    match = re.search(r'id="nav-inbound".*?<span class="badge text-bg-light">(\d+)</span>', html)
    assert match is not None
    return match.group(1)


def test_the_queue_page_says_how_often_its_results_refresh(client, settings):
    settings.QUEUE_REFRESH_SECONDS = 45
    client.force_login(staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS"))
    html = client.get("/casos/").content.decode()
    assert '<div id="resultados" aria-live="polite" data-refresh-seconds="45">' in html


def test_a_refresh_brings_the_inbound_count_out_of_band(client):
    client.force_login(staff("jefa", "supervisor", national=True))
    page = client.get("/casos/").content.decode()
    assert [m.group(1) for m in NAV_LINK.finditer(page)] == [None]
    assert _inbound_count(page) == "0"

    pending_message()
    fragment = client.get("/casos/", HTTP_HX_REQUEST="true").content.decode()
    assert [m.group(1) for m in NAV_LINK.finditer(fragment)] == [' hx-swap-oob="true"']
    assert _inbound_count(fragment) == "1"
    assert 'aria-label="Correo por clasificar: 1 pendiente"' in fragment


def test_a_role_without_the_inbound_queue_gets_no_count(client):
    client.force_login(staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS"))
    fragment = client.get("/casos/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="nav-inbound"' not in fragment
