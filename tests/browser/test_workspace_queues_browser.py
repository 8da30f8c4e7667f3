"""The agent's workspace, second version (issue 19, items 2, 4, 5 and 6; issue 18's badge), done
in real Chromium as the people who use it all day would: at 1366×768 a queue shows at least 15
cases without scrolling, its filters fold, home is each role's workload and its numbers open
exactly those cases, the header keeps one line, the bulk pickers offer names and confirm with
the count, and a citizen's reply marks the case in the queue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case
from cases.services import TransitionInput, case_citizen_reply, case_transition, comment_add
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

OFFICE = "CESI_CDMX_BENITO_JUAREZ"
LAPTOP = {"width": 1366, "height": 768}


def _named(username: str, role: str, first: str, last: str, **placement: Any) -> Any:
    user = staff(username, role, **placement)
    get_user_model().objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    return user


def _office_cases(n: int, **overrides: Any) -> list[Case]:
    # Committed at once: the eager routing task routes each on commit (OPERACIONES_QUEJAS).
    return [
        make_case(
            Actor(),
            route=False,
            channel="CESI",
            office=OFFICE,
            subject=f"Queja {i:02d}",
            **overrides,
        )
        for i in range(n)
    ]


def _rows_in_view(page: Any) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll('table.queue-table tbody tr')]
            .filter(row => row.getBoundingClientRect().bottom <= window.innerHeight).length"""
    )


def test_a_queue_shows_15_cases_at_1366x768_and_its_filters_fold(page):
    _named("asesor", "agent", "Rosa", "Martínez", office_code=OFFICE)
    _named("supervisor", "supervisor", "Jorge", "Ramírez", national=True)
    _office_cases(30)
    page.set_viewport_size(LAPTOP)

    log_in(page, "asesor", TEST_PASSWORD)
    page.goto("/casos/?cola=office")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(25)
    assert _rows_in_view(page) >= 15
    # The SLA badge and the business time left open each row; the office is not repeated.
    headers = page.locator("table.queue-table thead th").all_inner_texts()
    assert headers[0] == "Plazo"
    expect(rows.first.locator("td").first).to_contain_text(
        re.compile(r"En tiempo \d+ días hábiles")
    )
    screenshot(page, "30-queue-agent-1366")

    # The other filters are folded; opened, they filter in place; folded again, the list is
    # as dense as before.
    status = page.get_by_label("Estado")
    expect(status).to_be_hidden()
    page.get_by_text("Más filtros").click()
    expect(status).to_be_visible()
    screenshot(page, "31-queue-filters-open")
    status.select_option(label="Nuevo")
    expect(page.get_by_text("No hay casos en esta bandeja con esos filtros.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=new"))
    expect(page.locator("#filtros summary")).to_contain_text("1 aplicado")
    status.select_option(label="Asignado")
    expect(rows).to_have_count(25)
    page.get_by_text("Más filtros").click()
    expect(status).to_be_hidden()
    assert _rows_in_view(page) >= 15
    # Opened from its address, the folded panel says a filter applies.
    page.reload()
    expect(page.locator("#filtros summary")).to_contain_text("1 aplicado")

    # The supervisor's queue carries the bulk bar and still shows 15 cases.
    log_in(page, "supervisor", TEST_PASSWORD)
    page.goto("/casos/?cola=unassigned")
    expect(rows).to_have_count(25)
    assert _rows_in_view(page) >= 15
    screenshot(page, "32-queue-supervisor-1366")
    assert axe_violations(page) == []


def test_home_is_each_role_s_workload_and_each_number_opens_those_cases(page):
    _named("asesor", "agent", "Rosa", "Martínez", office_code=OFFICE)
    quejas = _named("quejas", "area_staff", "Ana", "López", area_code="OPERACIONES_QUEJAS")
    _named("supervisor", "supervisor", "Jorge", "Ramírez", national=True)
    now = timezone.now()
    today = _office_cases(3)
    # Received at the office yesterday, and a portal case: not "registered today at my office".
    make_case(
        Actor(),
        route=False,
        channel="CESI",
        office=OFFICE,
        received_at=now - dt.timedelta(days=1),
    )
    portal = make_case(Actor(), route=False, subject="Del portal")
    # The area staff member takes the portal case: it becomes theirs.
    case_transition(portal.folio, TransitionInput("take"), Actor(user=quejas), now)
    late = make_case(Actor(), route=False, received_at=now - dt.timedelta(days=29), now=now)

    def lands_on(card: str, expected: list[str]) -> None:
        link = page.locator(f"#carga-{card} a")
        expect(link.locator("strong")).to_have_text(str(len(expected)))
        link.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        folios = page.locator("table.queue-table tbody td a.fw-semibold").all_inner_texts()
        assert sorted(folios) == sorted(expected)
        page.go_back()

    log_in(page, "asesor", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Su trabajo")).to_be_visible()
    expect(page.locator("#carga-office_today")).to_contain_text("Registrados hoy en su oficina")
    screenshot(page, "33-home-agent")
    assert axe_violations(page) == []
    lands_on("office_today", [case.folio for case in today])
    lands_on("mine", [])
    page.goto("/casos/?cola=mine")
    expect(page.locator("#queue-description")).to_contain_text("asignados a usted")

    log_in(page, "quejas", TEST_PASSWORD)
    screenshot(page, "34-home-area-staff")
    unassigned = Case.objects.filter(
        area__code="OPERACIONES_QUEJAS", assignee__isnull=True, status="assigned"
    )
    lands_on("area_unassigned", [case.folio for case in unassigned])
    lands_on("mine", [portal.folio])

    log_in(page, "supervisor", TEST_PASSWORD)
    screenshot(page, "35-home-supervisor")
    lands_on("breached", [late.folio])
    lands_on("at_risk", [])


def test_the_header_keeps_one_line_at_1366_px_and_names_people(page):
    _named("admin2", "admin", "María Guadalupe", "Hernández de la Fuente")
    _named("agente", "agent", "Rosa", "Martínez", office_code=OFFICE)
    page.set_viewport_size(LAPTOP)
    for username, name in (("admin2", "María Guadalupe"), ("agente", "Rosa Martínez")):
        log_in(page, username, TEST_PASSWORD)
        header = page.locator("header.topbar")
        expect(header).to_contain_text(name)
        height = header.evaluate("element => element.getBoundingClientRect().height")
        brand = page.locator(".navbar-brand").evaluate(
            "element => element.getBoundingClientRect().height"
        )
        # One line: the bar is the brand's height plus the navbar's padding, not two rows;
        # and nothing sticks out to the right (the page never scrolls sideways).
        assert height < brand + 30, f"{username}: header {height}px for a {brand}px brand"
        logout = header.get_by_role("button", name="Salir")
        right = logout.evaluate("element => element.getBoundingClientRect().right")
        assert right <= LAPTOP["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        screenshot(page, f"36-header-{username}")
    # The agent's placement reads by the office's name, never by its code.
    header.get_by_role("button", name="Rosa Martínez").click()
    expect(page.locator("#nav-placement")).to_have_text(re.compile(r"^Asesor · Cesi .+"))
    expect(header).not_to_contain_text(OFFICE)
    header.get_by_role("link", name="Cambiar contraseña").click()
    expect(page.get_by_role("heading", name="Cambiar contraseña")).to_be_visible()


def test_bulk_reassign_selects_the_page_and_confirms_the_count(page):
    _named("supervisor", "supervisor", "Jorge", "Ramírez", national=True)
    ana = _named("quejas", "area_staff", "Ana", "López", area_code="OPERACIONES_QUEJAS")
    _named("cartera", "area_staff", "Luis", "Soto", area_code="CARTERA_CANCELACION")
    _named("asesor", "agent", "Rosa", "Martínez", office_code=OFFICE)
    cases = _office_cases(12)
    page.set_viewport_size(LAPTOP)
    log_in(page, "supervisor", TEST_PASSWORD)
    page.goto("/casos/?cola=unassigned")

    # Only area staff are offered, by name under their area; the agent is not.
    picker = page.get_by_label("Responsable")
    options = picker.locator("option").all_inner_texts()
    assert "Ana López" in options and "Luis Soto" in options
    assert "Rosa Martínez" not in options and "quejas" not in options
    areas = page.locator("#bulk-area option").all_inner_texts()
    assert not [text for text in areas if re.fullmatch(r"[A-Z_]+", text)]

    page.get_by_label("Seleccionar todos los casos de esta página").check()
    expect(page.locator("#bulk-count")).to_have_text("12 casos seleccionados")
    page.get_by_label("Acción").select_option(label="Asignar a")
    picker.select_option(label="Ana López")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    screenshot(page, "37-bulk-selected")
    page.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_role("status")).to_contain_text("12 caso(s) actualizados")
    assert asked == ["Se reasignarán 12 casos a Ana López. ¿Continuar?"]
    assert {case.assignee_id for case in Case.objects.filter(pk__in=[c.pk for c in cases])} == {
        ana.pk
    }

    # Declining the confirmation changes nothing.
    page.goto("/casos/?cola=all")
    page.get_by_label("Seleccionar todos los casos de esta página").check()
    page.get_by_label("Acción").select_option(label="Transferir a área")
    page.locator("#bulk-area").select_option(
        label="Subdirección de Liberación de Gravámenes y Escrituración"
    )
    page.get_by_label("Motivo (transferir)").fill("le corresponde")
    asked.clear()

    def decline(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.get_by_role("button", name="Aplicar").click()
    expect(page.locator("#bulk-count")).to_have_text("12 casos seleccionados")
    assert asked and asked[0].startswith("Se transferirán 12 casos a ")
    assert not Case.objects.filter(area__code="CARTERA_CANCELACION").exists()
    assert axe_violations(page) == []


def test_a_citizen_reply_marks_the_case_in_the_queue_until_staff_answer(page):
    quejas = _named("quejas", "area_staff", "Ana", "López", area_code="OPERACIONES_QUEJAS")
    case = make_case(Actor(), route=False, subject="Constancia")
    other = make_case(Actor(), route=False, subject="Otra")
    now = timezone.now()
    comment_add(case.folio, "Envíe su identificación.", True, Actor(user=quejas), now)
    case_citizen_reply(case.folio, "Ya la envié.", now)
    comment_add(other.folio, "Le llamamos mañana.", True, Actor(user=quejas), now)

    log_in(page, "quejas", TEST_PASSWORD)
    page.goto("/casos/?cola=area")
    row = page.locator("table.queue-table tbody tr", has_text=case.folio)
    expect(row.locator(".citizen-reply")).to_have_text("Respuesta del ciudadano")
    expect(page.locator(".citizen-reply")).to_have_count(1)
    screenshot(page, "38-queue-citizen-reply")

    row.get_by_role("link", name=case.folio).click()
    expect(page.locator("ol.comments")).to_contain_text("Respuesta del ciudadano")
    expect(page.locator("ol.timeline")).to_contain_text("respuesta del ciudadano")
    page.get_by_label("Nuevo comentario").fill("Recibida, gracias.")
    page.get_by_label("Visible para el ciudadano (respuesta pública)").check()
    page.get_by_role("button", name="Agregar comentario").click()
    expect(page.locator("ol.comments")).to_contain_text("Recibida, gracias.")

    page.goto("/casos/?cola=area")
    expect(page.locator("table.queue-table tbody tr")).to_have_count(2)
    expect(page.locator(".citizen-reply")).to_have_count(0)


def test_on_a_phone_home_and_the_supervisor_s_queue_fit_and_pass_axe(page):
    _named("supervisor", "supervisor", "Jorge", "Ramírez", national=True)
    _named("quejas", "area_staff", "Ana", "López", area_code="OPERACIONES_QUEJAS")
    _office_cases(3)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "supervisor", TEST_PASSWORD)
    found: list[str] = []
    for path in ("/", "/casos/?cola=unassigned"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found.extend(axe_violations(page))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.get_by_text("Más filtros").click()
    found.extend(axe_violations(page))
    screenshot(page, "39-queue-supervisor-phone")
    assert found == [], "\n".join(found)
