"""The supervisor dashboard in real Chromium: an agent registers a queja at the Cesi, area staff
take and resolve it, and the supervisor's board counts it — its number links to the folio."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from channels.models import Channel
from indicators.metrics import local_date
from indicators.models import Target
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import log_in, requires_chromium, screenshot
from tests.support.cases import staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

CESI_ROW = '#tabla-grupos tbody tr[data-key="CESI"]'


def _log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "button", name="Salir"
    ).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _register_queja(page) -> str:  # type: ignore[no-untyped-def]
    """The agent's intake of a queja about the Cesi; returns the folio the page shows."""
    page.goto("/atencion/registro/")
    page.get_by_label("NSS", exact=True).fill("92919084431")
    expect(page.locator("#nss-feedback")).to_have_text("NSS válido.")
    page.get_by_label("Nombre(s)").fill("Ana")
    page.get_by_label("Primer apellido").fill("Pérez")
    page.get_by_label("Buscar servicio").fill("queja cesi")
    page.get_by_label("Servicio", exact=True).select_option("QUEJA_ATENCION_CESI")
    page.get_by_label("Descripción").fill("Me hicieron esperar tres horas en el módulo.")
    page.get_by_role("button", name="Registrar caso").click()
    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^[A-Z]+-\d{4}-\d+$"))
    return folio.inner_text()


def _take_and_resolve(page, folio: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mi área"
    ).click()
    page.get_by_role("link", name=folio).click()
    page.get_by_role("button", name="Tomar el caso").click()
    expect(page.locator("#estado")).to_have_text("En atención")
    page.locator("#accion-resolve summary").click()
    page.get_by_label("Resolución").fill("Se habló con el personal del Cesi.")
    page.get_by_role("button", name="Confirmar: Resolver").click()
    expect(page.locator("#estado")).to_have_text("Resuelto")


def test_the_supervisor_dashboard_counts_a_case_resolved_by_area_staff(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    staff("supervisor", "supervisor", national=True)
    today = local_date(timezone.now())
    Target.objects.create(
        name="Plazo de quejas en Cesi",
        metric="sla_compliance_pct",
        channel=Channel.objects.get(code="CESI"),
        period_kind="custom",
        date_from=today.replace(day=1),
        date_to=today + dt.timedelta(days=1),  # still running: no data yet is "at risk"
        value=Decimal(90),
    )
    goal = page.locator("#tabla-metas tbody tr").first

    # Before: nothing counted this month; the goal has no data yet.
    log_in(page, "supervisor", TEST_PASSWORD)
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Tablero"
    ).click()
    expect(page.get_by_role("heading", name="Tablero de supervisión")).to_be_visible()
    expect(page.locator('#kpis [data-metric="resolutions"] .kpi-value')).to_have_text(
        re.compile(r"^0\b")
    )
    expect(page.locator(CESI_ROW)).to_have_count(0)
    expect(goal).to_have_attribute("data-status", "at_risk")
    expect(goal.locator(".badge")).to_have_text("En riesgo")
    _log_out(page)

    log_in(page, "asesor", TEST_PASSWORD)
    folio = _register_queja(page)
    _log_out(page)
    log_in(page, "quejas", TEST_PASSWORD)
    _take_and_resolve(page, folio)
    _log_out(page)

    # After: the Cesi row counts one case received and one resolved, within its term.
    log_in(page, "supervisor", TEST_PASSWORD)
    page.goto("/tablero/")
    expect(page.locator('#kpis [data-metric="resolutions"] .kpi-value')).to_have_text(
        re.compile(r"^1\b")
    )
    row = page.locator(CESI_ROW)
    expect(row.locator('[data-metric="received"]')).to_have_text(re.compile(r"^1\b"))
    expect(row.locator('[data-metric="resolutions"]')).to_have_text(re.compile(r"^1\b"))
    expect(row.locator('[data-metric="sla_compliance_pct"]')).to_have_text(
        re.compile(r"^100\.00 %")
    )
    expect(goal.locator(".badge")).to_have_text("Cumplida")  # 100 % ≥ 90 %, said in words
    # Every chart is drawn (Chart.js sized its canvas) and has its data table.
    for name in ("trend", "compliance", "backlog"):
        chart = f'canvas[data-chart="{name}"]'
        expect(page.locator(chart)).to_have_attribute("aria-describedby", re.compile("tabla-"))
        expect(page.locator(chart)).to_have_attribute("height", re.compile(r"^\d+$"))

    # Grouping by office swaps the board in place (htmx) and keeps the address shareable.
    page.get_by_label("Agrupar por").select_option("office")
    office_row = page.locator('#tabla-grupos tbody tr[data-key="CESI_CDMX_BENITO_JUAREZ"]')
    expect(office_row.get_by_role("rowheader")).to_have_text("Cesi Ciudad de México Benito Juárez")
    expect(page).to_have_url(re.compile(r"group=office"))
    expect(page.locator('canvas[data-chart="compliance"]')).to_have_attribute(
        "height", re.compile(r"^\d+$")
    )
    # Back: the board of the first address again, with its dates filled in.
    page.go_back()
    expect(page.locator(CESI_ROW)).to_have_count(1)
    expect(page.get_by_label("Desde")).to_have_value(re.compile(r"^\d{4}-\d{2}-01$"))
    expect(page.locator('canvas[data-chart="trend"]')).to_have_attribute(
        "height", re.compile(r"^\d+$")
    )
    # (Playwright's screenshot leaves style="" on inputs, which a later htmx swap would parse
    # back under the CSP: screenshots come after the swaps.)
    screenshot(page, "08-dashboard")

    # The number links to the cases behind it: exactly this folio.
    page.locator(CESI_ROW).locator('[data-metric="resolutions"] a').click()
    expect(page.get_by_role("heading", name="Casos detrás del indicador")).to_be_visible()
    expect(page.locator("#indicador")).to_contain_text("Resueltos")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=folio)).to_be_visible()
    screenshot(page, "09-dashboard-cases")

    # Keyboard: the breadcrumb leads back to the board.
    page.get_by_role("link", name="Tablero de supervisión").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tablero de supervisión")).to_be_visible()

    # On a phone the board stacks: the cards, the goals and the tables stay readable.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator('#kpis [data-metric="resolutions"] .kpi-value')).to_be_visible()
    expect(goal.locator(".badge")).to_have_text("Cumplida")
    screenshot(page, "10-dashboard-phone")
