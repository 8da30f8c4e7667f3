"""Find anything (issue 19, item 15) in real Chromium at 1366 px: the header's search box takes
a folio straight to the case and lists a surname's cases with identifiers masked; the page is
axe-clean and the header keeps one line with the box in it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.events import Actor
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import ANA_CURP, ANA_NSS, ContactFactory, make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

OFFICE = "CESI_CDMX_BENITO_JUAREZ"
LAPTOP = {"width": 1366, "height": 768}


def _header_is_one_line(page) -> None:
    header = page.locator("header.topbar")
    height = header.evaluate("element => element.getBoundingClientRect().height")
    brand = page.locator(".navbar-brand").evaluate(
        "element => element.getBoundingClientRect().height"
    )
    assert height < brand + 30, f"header {height}px for a {brand}px brand"
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def _open_header_search(page):
    page.locator("header.topbar").get_by_role("button", name="Búsqueda general").click()
    search = page.get_by_role("searchbox", name="Búsqueda general")
    expect(search).to_be_focused()
    return search


def test_search_by_folio_opens_the_case_and_by_surname_lists_it_masked(page):
    staff("agente", "agent", office_code=OFFICE)
    contact = ContactFactory(curp=ANA_CURP, second_surname="Villaseñor")
    case = make_case(
        Actor(), route=False, channel="CESI", office=OFFICE, contact=contact, subject="Pago doble"
    )
    page.set_viewport_size(LAPTOP)
    log_in(page, "agente", TEST_PASSWORD)
    _header_is_one_line(page)
    search = _open_header_search(page)

    search.fill(case.folio.lower())
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/casos/{case.folio}/$"))

    search = _open_header_search(page)
    search.fill("villasenor")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/buscar/\?q=villasenor$"))
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=case.folio)).to_be_visible()
    expect(results).to_contain_text("*******4431")
    expect(results).not_to_contain_text(ANA_NSS)
    expect(results).not_to_contain_text(ANA_CURP)
    expect(page.locator("#search-summary")).to_have_text("1 caso para «villasenor».")
    _header_is_one_line(page)
    screenshot(page, "40-search-results-1366")
    assert axe_violations(page) == []

    page.get_by_role("searchbox", name=re.compile("Folio, NSS")).fill("nadie encontrado")
    page.get_by_role("button", name="Buscar", exact=True).last.click()
    expect(page.locator("#search-summary")).to_have_text(
        "No encontramos casos para «nadie encontrado» entre los que usted puede consultar."
    )
    assert axe_violations(page) == []
