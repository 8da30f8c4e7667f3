"""Issue 19 item 9 in real Chromium: an agent filters their queue, saves it as a view, sees its
count in «Mis vistas» and opens it again; a supervisor shares a view with an area and that area's
staff see it with their own count — at 1366×768 and at phone width, axe-clean."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import SavedView
from cases.services.saved_views import saved_view_create
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

OFFICE = "CESI_CDMX_BENITO_JUAREZ"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CARTERA = "Subdirección de Liberación de Gravámenes y Escrituración"


def _fits(page: Any) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "phone"])
def test_an_agent_saves_the_filtered_queue_and_opens_it_from_mis_vistas(page, viewport):
    page.set_viewport_size(viewport)
    agent = staff("asesor", "agent", office_code=OFFICE)
    pago = make_case(
        Actor(user=agent), route=False, channel="CESI", office=OFFICE, subject="Pago no aplicado"
    )
    make_case(Actor(user=agent), route=False, channel="CESI", office=OFFICE, subject="Constancia")

    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/casos/?cola=office")
    views = page.get_by_role("navigation", name="Mis vistas")
    expect(views).to_contain_text("Aún no guarda vistas.")
    page.get_by_role("searchbox").fill("pago")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("table.queue-table tbody tr")).to_have_count(1)

    views.locator("summary", has_text="Guardar vista").click()
    views.get_by_label("Nombre de la vista").fill("Pagos de mi oficina")
    views.get_by_role("button", name="Guardar los filtros actuales").click()

    expect(page.locator(".messages")).to_contain_text("Vista «Pagos de mi oficina» guardada.")
    link = views.get_by_role("link", name="Pagos de mi oficina")
    expect(link.locator(".saved-view-count")).to_have_text("1")
    assert SavedView.objects.get().query == "q=pago"
    assert axe_violations(page) == []
    assert _fits(page)
    screenshot(page, f"saved-views-agent-{viewport['width']}")

    page.goto("/casos/?cola=office")
    expect(page.locator("table.queue-table tbody tr")).to_have_count(2)
    page.get_by_role("navigation", name="Mis vistas").get_by_role(
        "link", name="Pagos de mi oficina"
    ).click()
    page.wait_for_url("**/casos/?cola=office&q=pago")
    expect(page.locator("table.queue-table tbody tr")).to_have_count(1)
    expect(page.locator("table.queue-table tbody")).to_contain_text(pago.folio)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "phone"])
def test_a_supervisor_shares_a_view_and_the_area_staff_see_it(page, viewport):
    page.set_viewport_size(viewport)
    boss = staff("sup_nacional", "supervisor", national=True)
    staff("cartera", "area_staff", area_code="CARTERA_CANCELACION")
    agent = staff("asesor", "agent", office_code=OFFICE)
    make_case(Actor(user=agent), route=False, service="CANCELACION_HIPOTECA")
    saved_view_create(
        boss,
        name="Sin asignar de Cartera",
        queue="unassigned",
        query="area=CARTERA_CANCELACION",
        now=timezone.now(),
    )

    log_in(page, "sup_nacional", TEST_PASSWORD)
    page.goto("/casos/")
    views = page.get_by_role("navigation", name="Mis vistas")
    expect(
        views.get_by_role("link", name="Sin asignar de Cartera").locator(".saved-view-count")
    ).to_have_text("1")
    views.locator("summary", has_text="Guardar vista").click()
    views.get_by_label("Área con la que se comparte «Sin asignar de Cartera»").select_option(
        label=CARTERA
    )
    views.get_by_role("button", name="Compartir con el área").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Vista «Sin asignar de Cartera» compartida con el área {CARTERA}."
    )
    assert axe_violations(page) == []
    screenshot(page, f"saved-views-supervisor-{viewport['width']}")

    page.context.clear_cookies()
    log_in(page, "cartera", TEST_PASSWORD)
    page.goto("/casos/")
    views = page.get_by_role("navigation", name="Mis vistas")
    shared = views.get_by_role("link", name="Compartida: Sin asignar de Cartera")
    expect(shared.locator(".saved-view-count")).to_have_text("1")
    views.locator("summary", has_text="Guardar vista").click()
    expect(views).to_contain_text("(sólo lectura)")
    # read-only: neither delete nor share for a view someone else owns
    expect(
        views.get_by_role("button", name="Eliminar la vista «Sin asignar de Cartera»")
    ).to_have_count(0)
    expect(views.get_by_role("button", name="Compartir con el área")).to_have_count(0)
    assert axe_violations(page) == []
    assert _fits(page)
    screenshot(page, f"saved-views-area-staff-{viewport['width']}")
    shared.click()
    page.wait_for_url("**/casos/?cola=unassigned&area=CARTERA_CANCELACION")
    expect(page.locator("table.queue-table tbody tr")).to_have_count(1)
