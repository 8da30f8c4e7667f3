"""The browser application in real Chromium: login and lockout, the public status page, and an
area staff member working a case from the queue to its resolution."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case, Comment
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import log_in, requires_chromium, screenshot
from tests.support.cases import make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_login_lockout_and_the_public_status_page(page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    cache.clear()
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    staff("supervisor", "supervisor", national=True)
    # A portal queja; committed at once, so the eager routing task already routed it on commit.
    case = make_case(Actor(), route=False, subject="Constancia")

    # A wrong password is refused in Spanish; the third failure locks that user out.
    log_in(page, "asesor", "equivocada-2026")
    expect(page.get_by_role("alert")).to_contain_text("contraseña")
    screenshot(page, "01-login-error")
    log_in(page, "asesor", "equivocada-2026")
    log_in(page, "asesor", "equivocada-2026")
    expect(page.get_by_role("heading", name="Acceso bloqueado temporalmente")).to_be_visible()
    screenshot(page, "02-lockout")
    log_in(page, "asesor", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Acceso bloqueado temporalmente")).to_be_visible()

    # Another user logs in and finds the navigation of their role; logging out is a POST.
    log_in(page, "supervisor", TEST_PASSWORD)
    nav = page.get_by_role("navigation", name="Navegación principal")
    expect(nav.get_by_role("link", name="Todos")).to_be_visible()
    expect(nav.get_by_role("link", name="Mi área")).to_have_count(0)
    screenshot(page, "03-home-supervisor")
    nav.get_by_role("button", name="Salir").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # The citizen checks the case with folio and tracking code; a wrong code says "not found".
    page.goto("/consulta/")
    page.get_by_label("Folio").fill(case.folio)
    page.get_by_label("Código de seguimiento").fill("NOESESTE")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("alert")).to_contain_text("No encontramos un caso")
    page.get_by_label("Folio").fill(case.folio.lower())
    page.get_by_label("Código de seguimiento").fill(case.tracking_code)
    page.get_by_role("button", name="Consultar").click()
    expect(page.locator("#estado-publico")).to_have_text("Asignado")
    screenshot(page, "04-public-status")


def test_area_staff_take_comment_and_resolve_a_case_from_the_queue(page):
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    case = make_case(
        Actor(),
        route=False,  # routed on commit (eager tasks) to OPERACIONES_QUEJAS
        subject="Pago no reflejado",
        description='Mi pago no aparece <script>alert("x")</script>',
    )
    make_case(Actor(), route=False, subject="Otra queja")

    log_in(page, "quejas", TEST_PASSWORD)
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mi área"
    ).click()
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(2)
    screenshot(page, "05-queue")

    # Searching narrows the list in place (htmx) and keeps the address shareable.
    page.get_by_label("Buscar").fill("pago")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=pago"))

    # While the server cannot answer, the search says so and keeps the list and what was typed.
    searches = re.compile(r"/casos/\?")

    def unavailable(route):  # type: ignore[no-untyped-def]
        if route.request.headers.get("hx-request"):
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route(searches, unavailable)
    page.get_by_label("Buscar").fill("otra")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_role("alert")).to_contain_text("no está disponible por un momento")
    expect(page.get_by_label("Buscar")).to_have_value("otra")
    expect(rows).to_have_count(1)
    page.unroute(searches)
    page.get_by_label("Buscar").fill("pago")
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(r"q=pago"))
    expect(page.get_by_role("alert")).to_have_count(0)

    page.get_by_role("link", name=case.folio).click()
    expect(page.get_by_role("heading", name=case.folio)).to_be_visible()
    # The description is text, never markup.
    expect(page.locator("#texto-descripcion")).to_have_text(
        'Mi pago no aparece <script>alert("x")</script>'
    )
    expect(page.get_by_text("*******4431")).to_be_visible()
    screenshot(page, "06-case")

    page.get_by_role("button", name="Tomar el caso").click()
    expect(page.locator("#estado")).to_have_text("En atención")
    expect(page.locator("#responsable")).to_have_text("quejas")

    page.get_by_label("Nuevo comentario").fill("Revisamos su pago con el banco.")
    page.get_by_label("Visible para el ciudadano (respuesta pública)").check()
    page.get_by_role("button", name="Agregar comentario").click()
    expect(page.locator("ol.comments")).to_contain_text("Revisamos su pago con el banco.")

    page.locator("#accion-resolve summary").click()
    page.get_by_label("Resolución").fill("El pago se aplicó el 20 de noviembre.")
    page.get_by_role("button", name="Confirmar: Resolver").click()
    expect(page.locator("#estado")).to_have_text("Resuelto")
    screenshot(page, "07-case-resolved")

    resolved = Case.objects.get(pk=case.pk)
    assert (resolved.status, resolved.assignee, resolved.resolution) == (
        "resolved",
        quejas,
        "El pago se aplicó el 20 de noviembre.",
    )
    assert Comment.objects.filter(case=case, public=True).count() == 1
