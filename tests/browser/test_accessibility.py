"""Accessibility of the main pages, checked by axe-core in real Chromium (WCAG 2.1 A and AA:
labels, names, contrast, landmarks, language, ARIA), for each role's pages and the public ones.

axe finds what a machine can (roughly a third of WCAG); focus order and keyboard use are
covered by the flows in the other browser tests, which drive the pages by role and label.
"""

from __future__ import annotations

from typing import Any

import pytest

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_transition
from cases.tests.api_support import make_case, staff
from conftest import TEST_PASSWORD
from surveys.selectors import survey_token_for

from .conftest import log_in, requires_chromium

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _violations(page: Any) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page as shown now, one line per failing node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{page.url} {violation['id']}: {node['target']} — {node['failureSummary']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def _check(page: Any, path: str, found: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found.extend(_violations(page))


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
    found.extend(_violations(page))
    _check(page, f"/encuesta/{survey_token_for(Case.objects.get(pk=resolved.pk))}/", found)

    # The agent's intake: empty, then refused with every error beside its field.
    log_in(page, "asesor", TEST_PASSWORD)
    _check(page, "/atencion/registro/", found)
    page.get_by_role("button", name="Registrar caso").click()
    page.locator(".invalid-feedback").first.wait_for()
    found.extend(_violations(page))

    # Area staff: the queue, a case page and its resolve form opened.
    log_in(page, "quejas", TEST_PASSWORD)
    _check(page, "/casos/?cola=area", found)
    _check(page, f"/casos/{case.folio}/", found)
    page.get_by_role("button", name="Tomar el caso").click()
    page.locator("#accion-resolve summary").click()
    found.extend(_violations(page))

    # The supervisor: the dashboard, the cases behind its first number, a malformed drill-down.
    log_in(page, "supervisor", TEST_PASSWORD)
    _check(page, "/tablero/", found)
    page.locator("#tabla-grupos tbody a").first.click()
    page.locator("#indicador").wait_for()
    found.extend(_violations(page))
    _check(page, "/tablero/casos/?metric=received&from=2026-13-01", found)

    assert found == [], "\n".join(found)
