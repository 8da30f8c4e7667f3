"""The contact's history on the case page and merging duplicate contacts, in real Chromium
(issue 19, items 10 and 11): as a person does it, at 1366×768 and on a phone, axe-clean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case
from contacts.models import ContactMerge
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import ContactFactory, make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

NSS = "92919084431"
CURP = "GAPA050101MDFRRNA3"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _fits_and_passes_axe(page: Any, width: int) -> None:
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_case_page_shows_the_contacts_other_cases_and_warns_of_an_open_one(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    here = {"channel": "CESI", "office": "CESI_CDMX_BENITO_JUAREZ", "route": False}
    earlier = make_case(Actor(), subject="Primera queja", **here)
    make_case(Actor(), channel="CESI", office="CESI_TIJUANA", route=False)  # outside scope
    current = make_case(Actor(), subject="Segunda queja", **here)

    page.set_viewport_size(DESKTOP)
    log_in(page, "asesor", TEST_PASSWORD)
    page.goto(f"/casos/{current.folio}/")
    history = page.get_by_role("region", name="Otros casos del contacto")
    expect(history.get_by_role("alert")).to_contain_text(
        "Este contacto tiene otro caso abierto del mismo servicio"
    )
    expect(history.locator("#otros-casos-lista li")).to_have_count(1)
    screenshot(page, "contacts-01-case-history")
    _fits_and_passes_axe(page, DESKTOP["width"])

    page.set_viewport_size(PHONE)
    _fits_and_passes_axe(page, PHONE["width"])
    # The warning links to the other case; following it opens that case's page.
    history.locator("#otros-casos-lista").get_by_role("link", name=earlier.folio).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(earlier.folio)


def test_a_supervisor_finds_two_duplicates_by_curp_previews_and_merges_them(page):
    staff("supervisor", "supervisor", national=True)
    kept = make_case(Actor(), contact=ContactFactory(nss=NSS), route=False)
    moved = make_case(
        Actor(),
        contact=ContactFactory(given_names="Ana", nss=None, curp=CURP),
        subject="Queja registrada con la CURP",
        route=False,
    )
    assert kept.contact_id != moved.contact_id

    page.set_viewport_size(DESKTOP)
    log_in(page, "supervisor", TEST_PASSWORD)
    page.get_by_role("link", name="Contactos duplicados").click()
    page.get_by_label("CURP").fill(CURP.lower())
    page.get_by_role("button", name="Buscar duplicados").click()
    expect(page.locator("#registros tbody tr")).to_have_count(2)
    expect(page.locator("#registros")).to_contain_text("Tiene la CURP buscada")
    screenshot(page, "contacts-02-duplicates")
    _fits_and_passes_axe(page, DESKTOP["width"])

    # Keep the record with the NSS: preview the merge the other way round.
    page.get_by_role("link", name=re.compile("Revisar y combinar")).click()
    page.get_by_role("link", name="Invertir: conservar el otro registro").click()
    expect(page).to_have_url(
        re.compile(rf"/contactos/{moved.contact_id}/combinar/{kept.contact_id}/$")
    )
    expect(page.locator("#casos-que-se-mueven")).to_contain_text("Se mueve 1 caso")
    expect(page.locator("#casos-combinado")).to_contain_text(moved.folio)
    expect(page.locator("#comparacion")).to_contain_text("se toma del combinado")
    expect(page.locator("#comparacion")).not_to_contain_text(CURP)  # masked for supervisors
    screenshot(page, "contacts-03-merge-preview")
    _fits_and_passes_axe(page, DESKTOP["width"])
    page.set_viewport_size(PHONE)
    _fits_and_passes_axe(page, PHONE["width"])

    # Without a reason the browser asks for one; with it, the merge goes through.
    page.get_by_label("Motivo de la combinación").fill("Misma persona: NSS y CURP coinciden.")
    page.get_by_role("button", name="Combinar contactos").click()
    expect(page).to_have_url(re.compile(rf"/contactos/{kept.contact_id}/historial/$"))
    expect(page.locator("#casos-del-contacto")).to_contain_text(moved.folio)
    expect(page.locator("#historial-combinaciones")).to_contain_text(
        "Misma persona: NSS y CURP coinciden."
    )
    screenshot(page, "contacts-04-history")
    _fits_and_passes_axe(page, PHONE["width"])
    page.set_viewport_size(DESKTOP)
    _fits_and_passes_axe(page, DESKTOP["width"])

    assert Case.objects.get(pk=moved.pk).contact_id == kept.contact_id
    assert ContactMerge.objects.get().reason == "Misma persona: NSS y CURP coinciden."

    # Merging the merged record again is refused in Spanish.
    page.goto(f"/contactos/{moved.contact_id}/combinar/{kept.contact_id}/")
    expect(page.locator("#combinar-rechazo")).to_contain_text("ya fue fusionado")
    _fits_and_passes_axe(page, DESKTOP["width"])
