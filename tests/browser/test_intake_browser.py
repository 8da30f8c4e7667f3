"""Agent intake in real Chromium: identifiers checked as typed, the service picker with its SLA
promise, saving a queja for a new contact, and the folio with its tracking code shown once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_an_agent_registers_a_queja_for_a_new_contact_and_gets_a_folio(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/atencion/registro/")

    # The channel and office come from the agent's profile.
    expect(page.get_by_label("Canal")).to_have_value("CESI")
    expect(page.get_by_label("Oficina")).to_have_value("CESI_CDMX_BENITO_JUAREZ")

    # A mistyped NSS is flagged while typing; the corrected one is accepted.
    nss = page.get_by_label("NSS", exact=True)
    nss.fill("92919084432")
    expect(page.locator("#nss-feedback")).to_contain_text(
        "El dígito verificador del NSS no es correcto"
    )
    nss.fill("92919084431")
    expect(page.locator("#nss-feedback")).to_have_text("NSS válido.")
    page.get_by_label("Nombre(s)").fill("Ana")
    page.get_by_label("Primer apellido").fill("Pérez")

    # The service picker searches the channel's services and shows the SLA promise.
    page.get_by_label("Buscar servicio").fill("queja cesi")
    expect(page.locator("#id_service option")).to_have_count(2)
    page.get_by_label("Servicio", exact=True).select_option("QUEJA_ATENCION_CESI")
    expect(page.locator("#sla-promise")).to_contain_text(
        re.compile(r"Respuesta a más tardar el \d+ de \w+ de \d{4}")
    )
    expect(page.locator("#service-info")).to_contain_text("15 días hábiles")
    page.get_by_label("Descripción").fill(
        'Me hicieron esperar tres horas <script>alert("x")</script>'
    )
    screenshot(page, "intake-1-form")

    page.get_by_role("button", name="Registrar caso").click()

    # The folio and the tracking code are shown prominently, with the acuse ready to print.
    case = Case.objects.get()
    expect(page.locator("#folio")).to_have_text(case.folio)
    expect(page.locator("#tracking-code")).to_have_text(case.tracking_code)
    expect(page.locator("#acuse")).to_contain_text("Acuse de recibo")
    assert case.contact is not None and case.contact.nss == "92919084431"
    screenshot(page, "intake-2-folio")
    assert axe_violations(page) == []

    # Reloading the page never shows the tracking code again.
    page.reload()
    expect(page.locator("#tracking-code")).to_have_count(0)
    expect(page.locator("#tracking-code-gone")).to_be_visible()


def test_a_service_chosen_the_moment_a_search_shows_it_gets_its_promise(page):
    """htmx wires swapped content only when it settles: a choice made before then must count."""
    # A slow settle widens the window between the new options appearing and htmx wiring them.
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => {"
        " htmx.config.defaultSettleDelay = 1500; })"
    )
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/atencion/registro/")

    page.get_by_label("Buscar servicio").fill("queja cesi")
    expect(page.locator("#id_service option")).to_have_count(2)
    page.get_by_label("Servicio", exact=True).select_option("QUEJA_ATENCION_CESI")

    expect(page.locator("#sla-promise")).to_contain_text(
        re.compile(r"Respuesta a más tardar el \d+ de \w+ de \d{4}")
    )
