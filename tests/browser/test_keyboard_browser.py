"""Issue 19, items 13 and 14, in real Chromium: the keyboard shortcuts of the queue and the case
page (never stealing keys from a field), their list behind `?`, the case page noticing that
someone else changed the case before a stale action, and the queue refreshing itself."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case, CaseEvent
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import make_case, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

AREA = "OPERACIONES_QUEJAS"


def _queue_folios(page: Any) -> list[str]:
    return [
        text.strip()
        for text in page.locator("table.queue-table tbody tr td a.fw-semibold").all_inner_texts()
    ]


def _cases(n: int) -> list[Case]:
    # Committed at once: the eager routing task routes each on commit (OPERACIONES_QUEJAS).
    return [make_case(Actor(), route=False, subject=f"Queja {i}") for i in range(n)]


def test_j_k_and_enter_walk_the_queue_and_its_cases_without_stealing_typing(page):
    staff("quejas", "area_staff", area_code=AREA)
    _cases(3)
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto("/casos/")
    folios = _queue_folios(page)
    assert len(folios) == 3

    # j, j: the ring is on the second row and its link has the focus; Enter opens it
    page.keyboard.press("j")
    page.keyboard.press("j")
    ringed = page.locator("table.queue-table tbody tr.kbd-current")
    expect(ringed).to_have_count(1)
    expect(ringed.get_by_role("link", name=folios[1])).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, "19-queue-keyboard-ring")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=folios[1], level=1)).to_be_visible()

    # On the case page j and k open the next and previous case of that queue
    page.keyboard.press("j")
    expect(page.get_by_role("heading", name=folios[2], level=1)).to_be_visible()
    page.keyboard.press("k")
    expect(page.get_by_role("heading", name=folios[1], level=1)).to_be_visible()

    # Back on the queue: / goes to the search box, where j and k are letters
    page.goto("/casos/")
    page.keyboard.press("/")
    search = page.get_by_placeholder("Buscar folio, asunto o descripción")
    expect(search).to_be_focused()
    page.keyboard.type("jk")
    expect(search).to_have_value("jk")
    expect(page.locator("table.queue-table tbody tr.kbd-current")).to_have_count(0)
    # A modifier leaves the key to the browser: Ctrl+j opens nothing here
    page.locator("h1").click()
    page.keyboard.press("Control+j")
    expect(page.locator("table.queue-table tbody tr.kbd-current")).to_have_count(0)


def test_question_mark_lists_the_shortcuts_and_escape_gives_the_focus_back(page):
    staff("quejas", "area_staff", area_code=AREA)
    folio = _cases(1)[0].folio
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto("/casos/")
    page.keyboard.press("j")
    link = page.get_by_role("link", name=folio)
    expect(link).to_be_focused()

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Atajos de teclado")
    expect(dialog).to_be_visible()
    for text in ("Tomar el caso", "Escribir un comentario", "Abrir el formulario para resolver"):
        expect(dialog).to_contain_text(text)
    # While it is open the shortcuts rest: j moves nothing behind it
    page.keyboard.press("j")
    expect(dialog).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "19-shortcuts-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()

    # The close button closes it too
    page.keyboard.press("?")
    dialog.get_by_role("button", name="Cerrar").last.click()
    expect(dialog).to_be_hidden()


def test_t_takes_the_case_c_goes_to_the_comment_and_r_opens_the_resolve_form(page):
    me = staff("quejas", "area_staff", area_code=AREA)
    case = _cases(1)[0]
    assert case.assignee is None
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto(f"/casos/{case.folio}/")

    page.keyboard.press("t")
    expect(page.get_by_text("Caso tomado.")).to_be_visible()
    taken = Case.objects.get(pk=case.pk)
    assert taken.assignee == me

    page.keyboard.press("c")
    comment = page.get_by_label("Nuevo comentario")
    expect(comment).to_be_focused()
    page.keyboard.type("tr")  # letters in the box, not shortcuts
    expect(comment).to_have_value("tr")
    assert Case.objects.get(pk=case.pk).version == taken.version

    page.locator("h1").click()
    page.keyboard.press("r")
    resolution = page.locator("#resolve-resolution")
    expect(resolution).to_be_visible()
    expect(resolution).to_be_focused()
    assert axe_violations(page) == []


def test_a_change_by_someone_else_shows_up_and_the_stale_action_is_refused(
    page, browser, live_server, settings
):
    settings.CASE_VERSION_POLL_SECONDS = 1
    staff("quejas", "area_staff", area_code=AREA)
    colleague = staff("quejas2", "area_staff", area_code=AREA)
    case = _cases(1)[0]
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto(f"/casos/{case.folio}/")
    expect(page.locator("#frescura")).to_have_text("")

    other = browser.new_context(base_url=live_server.url, locale="es-MX")
    try:
        tab = other.new_page()
        log_in(tab, "quejas2", TEST_PASSWORD)
        tab.goto(f"/casos/{case.folio}/")
        tab.get_by_role("button", name="Tomar el caso").click()
        expect(tab.get_by_text("Caso tomado.")).to_be_visible()
    finally:
        other.close()
    taken = Case.objects.get(pk=case.pk)
    assert taken.assignee == colleague

    notice = page.locator("#caso-modificado")
    expect(notice).to_contain_text(
        f"Otra persona modificó este caso (versión {taken.version}). Recargue antes de actuar."
    )
    expect(notice.get_by_role("link", name="Recargar el caso")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "19-case-changed-by-someone-else")

    # Acting anyway from the stale page is refused and changes nothing
    events = CaseEvent.objects.filter(case=case).count()
    page.get_by_role("button", name="Tomar el caso").click()
    expect(page.locator(".messages")).to_contain_text(
        f"El caso cambió (versión {taken.version}); recárguelo e intente de nuevo."
    )
    after = Case.objects.get(pk=case.pk)
    assert (after.assignee, after.version) == (colleague, taken.version)
    assert CaseEvent.objects.filter(case=case).count() == events


def test_the_first_page_of_the_queue_refreshes_itself_unless_the_user_is_in_the_filters(
    page, settings
):
    settings.QUEUE_REFRESH_SECONDS = 1
    staff("quejas", "area_staff", area_code=AREA)
    _cases(1)
    log_in(page, "quejas", TEST_PASSWORD)
    page.goto("/casos/")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(1)

    arrived = make_case(Actor(), route=False, subject="Llegó después")
    expect(page.get_by_role("link", name=arrived.folio)).to_be_visible()
    expect(rows).to_have_count(2)

    # Typing in the search box is working on the queue: the list stays as it is
    page.get_by_placeholder("Buscar folio, asunto o descripción").fill("Queja")
    later = make_case(Actor(), route=False, subject="Llegó más tarde")
    page.wait_for_timeout(3000)
    expect(page.get_by_role("link", name=later.folio)).to_have_count(0)
    expect(rows).to_have_count(2)
