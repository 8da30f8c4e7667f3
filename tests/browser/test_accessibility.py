"""Accessibility of the main pages, checked by axe-core in real Chromium (WCAG 2.1 A and AA:
labels, names, contrast, landmarks, language, ARIA), for each role's pages and the public ones.

axe finds what a machine can; the keyboard test below walks the focus order of the login and
of a case's main action with the keyboard alone, and the other browser tests find every control
by its role and accessible name, as a screen reader would.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_transition
from surveys.selectors import survey_token_for
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium
from tests.support.cases import make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _check(page: Any, path: str, found: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found.extend(axe_violations(page))


def test_the_main_pages_pass_axe_wcag_21_aa(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    staff("supervisor", "supervisor", national=True)
    case = make_case(Actor(), route=False, subject="Pago no reflejado")  # routed on commit
    resolved = make_case(Actor(), route=False, subject="Constancia")
    for action in ("take", "resolve"):
        case_transition(
            resolved.folio,
            TransitionInput(action=action, resolution="Se envió la constancia."),
            Actor(user=quejas),
            resolved.received_at,
        )
    found: list[str] = []

    # Public pages.
    _check(page, "/accounts/login/", found)
    _check(page, "/consulta/", found)
    page.get_by_label("Folio").fill(case.folio)
    page.get_by_label("Código de seguimiento").fill(case.tracking_code)
    page.get_by_role("button", name="Consultar").click()
    page.locator("#estado-publico").wait_for()
    found.extend(axe_violations(page))
    _check(page, f"/encuesta/{survey_token_for(Case.objects.get(pk=resolved.pk))}/", found)

    # The agent's intake: empty, then refused with every error beside its field.
    log_in(page, "asesor", TEST_PASSWORD)
    _check(page, "/atencion/registro/", found)
    page.get_by_role("button", name="Registrar caso").click()
    page.locator(".invalid-feedback").first.wait_for()
    found.extend(axe_violations(page))

    # Pages every staff member has.
    _check(page, "/exportaciones/", found)
    _check(page, "/cuenta/contrasena/", found)

    # Area staff: the queue, a case page and its resolve form opened.
    log_in(page, "quejas", TEST_PASSWORD)
    _check(page, "/casos/?cola=area", found)
    _check(page, f"/casos/{case.folio}/", found)
    page.get_by_role("button", name="Tomar el caso").click()
    page.locator("#accion-resolve summary").click()
    found.extend(axe_violations(page))

    # The supervisor: the dashboard, the cases behind its first number, a malformed drill-down.
    log_in(page, "supervisor", TEST_PASSWORD)
    _check(page, "/tablero/", found)
    page.locator("#tabla-grupos tbody a").first.click()
    page.locator("#indicador").wait_for()
    found.extend(axe_violations(page))
    _check(page, "/tablero/casos/?metric=received&from=2026-13-01", found)

    assert found == [], "\n".join(found)


def test_login_and_taking_a_case_work_with_the_keyboard_alone(page):
    staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    case = make_case(Actor(), route=False, subject="Pago no reflejado")  # routed on commit

    page.goto("/accounts/login/")
    # The user field has the focus on arrival; Tab leads to the password; Enter logs in.
    expect(page.get_by_label("Usuario")).to_be_focused()
    page.keyboard.type("quejas")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Contraseña")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    # Logged in: the login page has the navigation bar too, but only a session has "Salir".
    expect(page.get_by_role("button", name="Salir")).to_be_visible()

    # The first Tab stop is the skip link (in base.html), which moves the focus to the content.
    page.goto(f"/casos/{case.folio}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Saltar al contenido")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#contenido")).to_be_focused()

    take = page.get_by_role("button", name="Tomar el caso")
    # Tab reaches the action; Enter triggers it.
    for _ in range(60):
        page.keyboard.press("Tab")
        if take.evaluate("button => button === document.activeElement"):
            break
    expect(take).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#estado")).to_have_text("En atención")


def test_on_a_phone_the_pages_fit_the_screen_and_still_pass_axe(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    staff("supervisor", "supervisor", national=True)
    case = make_case(Actor(), route=False, subject="Pago no reflejado")  # routed on commit
    page.set_viewport_size({"width": 390, "height": 844})
    found: list[str] = []
    too_wide: list[str] = []

    def visit(path: str) -> None:
        _check(page, path, found)
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{path}: {width}px")

    visit("/consulta/")
    log_in(page, "asesor", TEST_PASSWORD)
    visit("/atencion/registro/")
    visit("/casos/?cola=office")
    log_in(page, "supervisor", TEST_PASSWORD)
    visit("/casos/?cola=all")
    visit(f"/casos/{case.folio}/")
    visit("/tablero/")

    assert too_wide == [] and found == [], "\n".join(too_wide + found)
