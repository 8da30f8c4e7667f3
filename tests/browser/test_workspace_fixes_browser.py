"""Issue 19, items 1, 3 and 7, done as a person would in real Chromium: intake shows every
mistake in one submit, time left reads the same on the queue, the case page and the dashboard,
taking a case says so, and a missing page keeps the app's layout. At 1366×768 and phone width."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_transition
from indicators.metrics import local_date
from surveys.selectors import survey_token_for
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import ContactFactory, make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
HOURS_AND_MINUTES = re.compile(r"^(\d+ h( \d+ min)?|\d+ min|menos de 1 min)$")


def test_intake_shows_every_error_at_once_beside_its_field_and_keeps_the_typing(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    page.set_viewport_size(LAPTOP)
    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/atencion/registro/")

    # The agent types a name and a subject, forgets the surname, the service and the description
    page.get_by_label("Nombre(s)").fill("Ana")
    page.get_by_label("Asunto").fill("Cita perdida")
    page.get_by_role("button", name="Registrar caso").click()

    # One submit: every mistake in the summary and beside its field, in plain words
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("No se registró el caso")
    for text in ("Elija un servicio.", "Describa el caso.", "Escriba el primer apellido."):
        expect(summary).to_contain_text(text)
    expect(page.locator("#service-feedback")).to_have_text("Elija un servicio.")
    expect(page.locator("#description-feedback")).to_have_text("Describa el caso.")
    expect(page.locator("#first_surname-feedback")).to_have_text("Escriba el primer apellido.")
    expect(page.get_by_text("no existe o no está activo")).to_have_count(0)
    # Nothing typed is lost
    expect(page.get_by_label("Nombre(s)")).to_have_value("Ana")
    expect(page.get_by_label("Asunto")).to_have_value("Cita perdida")
    assert Case.objects.count() == 0
    assert axe_violations(page) == []
    screenshot(page, "19-intake-errors")
    # The summary's links take the agent to the field
    summary.get_by_role("link", name="Descripción: Describa el caso.").click()
    expect(page.get_by_label("Descripción")).to_be_focused()
    page.set_viewport_size(PHONE)
    expect(page.locator("#description-feedback")).to_be_visible()
    screenshot(page, "19-intake-errors-phone")
    page.set_viewport_size(LAPTOP)

    # Fixing them registers the case; the acuse links to it
    page.get_by_label("Primer apellido").fill("Pérez")
    page.get_by_label("Buscar servicio").fill("queja cesi")
    page.get_by_label("Servicio", exact=True).select_option("QUEJA_ATENCION_CESI")
    page.get_by_label("Descripción").fill("Me hicieron esperar tres horas en el módulo.")
    page.get_by_role("button", name="Registrar caso").click()
    case = Case.objects.get()
    expect(page.locator("#folio")).to_have_text(case.folio)
    assert case.subject == "Cita perdida"
    page.get_by_role("link", name=f"Abrir el caso {case.folio}").click()
    expect(page.get_by_role("heading", name=case.folio)).to_be_visible()


def _time_left_on_queue(page, folio: str) -> str:  # type: ignore[no-untyped-def]
    row = page.locator("table.queue-table tbody tr", has=page.get_by_role("link", name=folio))
    return row.locator("[data-time-left]").inner_text().strip()


def test_time_left_reads_the_same_on_queue_case_page_and_dashboard(page):
    staff("supervisor", "supervisor", national=True)
    days = make_case(Actor(), route=False, subject="Pago no reflejado")  # 15 business days
    hours = make_case(Actor(), route=False, service="PRECALIFICACION", subject="Puntos")  # 60 min
    page.set_viewport_size(LAPTOP)
    log_in(page, "supervisor", TEST_PASSWORD)

    page.goto("/casos/?cola=all")
    on_queue = {case.folio: _time_left_on_queue(page, case.folio) for case in (days, hours)}
    screenshot(page, "19-queue-time-left")
    assert on_queue[days.folio] == "15 días hábiles"
    assert HOURS_AND_MINUTES.match(on_queue[hours.folio]), on_queue[hours.folio]

    page.goto(f"/casos/{days.folio}/")
    expect(page.locator("#tiempo-restante")).to_have_text("15 días hábiles")
    expect(page.locator("main")).not_to_contain_text(re.compile(r" de [A-Z][a-z]+ de \d{4}"))
    assert axe_violations(page) == []
    screenshot(page, "19-case-time-left")
    page.goto(f"/casos/{hours.folio}/")
    expect(page.locator("#tiempo-restante")).to_have_text(HOURS_AND_MINUTES)

    today = local_date(timezone.now()).isoformat()
    page.goto(f"/tablero/casos/?metric=received&from={today}&to={today}")
    expect(page.locator("#indicador")).to_be_visible()
    assert _time_left_on_queue(page, days.folio) == "15 días hábiles"
    assert HOURS_AND_MINUTES.match(_time_left_on_queue(page, hours.folio))
    screenshot(page, "19-dashboard-time-left")


def test_taking_a_case_says_caso_tomado(page):
    staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    case = make_case(Actor(), route=False, subject="Pago no reflejado")
    page.set_viewport_size(LAPTOP)
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto(f"/casos/{case.folio}/")

    page.get_by_role("button", name="Tomar el caso").click()

    expect(page.get_by_text("Caso tomado.", exact=True)).to_be_visible()
    expect(page.locator("#estado")).to_have_text("En atención")
    assert axe_violations(page) == []
    screenshot(page, "19-case-taken")


def test_a_missing_page_keeps_the_app_layout(page):
    staff("asesor", "agent", office_code="CESI_CDMX_BENITO_JUAREZ")
    log_in(page, "asesor", TEST_PASSWORD)
    for size, name in ((LAPTOP, "19-404"), (PHONE, "19-404-phone")):
        page.set_viewport_size(size)
        response = page.goto("/no-existe/")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="Página no encontrada")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es"))
        expect(page.get_by_role("link", name="Saltar al contenido")).to_have_count(1)
        expect(page.locator("footer")).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, name)


def test_the_citizen_survey_looks_like_the_rest_of_the_site(page):
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    contact = ContactFactory(email="ana@example.com")  # surveyed at the case's e-mail
    case = make_case(Actor(), route=False, subject="Constancia", contact=contact)
    for action in ("take", "resolve"):
        case_transition(
            case.folio,
            TransitionInput(action=action, resolution="Se envió la constancia."),
            Actor(user=quejas),
            timezone.now(),
        )
    page.set_viewport_size(PHONE)
    page.goto(f"/encuesta/{survey_token_for(Case.objects.get(pk=case.pk))}/")

    expect(page.get_by_role("heading", name="Encuesta de satisfacción")).to_be_visible()
    expect(page.get_by_role("button", name="Enviar respuestas")).to_have_class(
        re.compile(r"\bbtn-primary\b")
    )
    page.get_by_role("button", name="Enviar respuestas").click()
    expect(page.locator("#survey-errors")).to_contain_text("sus respuestas se conservaron")
    assert axe_violations(page) == []
    screenshot(page, "19-survey-phone")
    page.get_by_label("4 — Satisfecho").check()
    page.get_by_label("9", exact=True).check()
    page.get_by_role("button", name="Enviar respuestas").click()
    expect(page.get_by_role("heading", name="¡Gracias por responder!")).to_be_visible()
