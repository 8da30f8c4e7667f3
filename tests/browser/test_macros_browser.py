"""Issue 19 items 12 and 16 in real Chromium: area staff resolve a case with a macro in one
click, and open its attachments — an image and a PDF in the page's viewer, Word and Excel files
downloaded — at 1366×768 and at phone width, axe-clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Case, CaseEvent, Comment
from cases.services import TransitionInput, attachment_add, case_transition
from catalog.models import Macro, Service
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import make_case, staff
from tests.support.files import docx, pdf, png, xlsx

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
RESOLUTION = "Corregimos la descarga de su constancia; ya puede obtenerla en Mi Cuenta."


def _taken_case(quejas: Any) -> Case:
    case = make_case(Actor(), route=False, subject="Constancia que no descarga")
    return case_transition(
        case.folio, TransitionInput(action="take"), Actor(user=quejas), dt.datetime.now(dt.UTC)
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "phone"])
def test_area_staff_resolve_a_case_with_a_macro_in_one_click(page, viewport):
    page.set_viewport_size(viewport)
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    service = Service.objects.get(code="QUEJA_CANALES_DIGITALES")
    Macro.objects.create(
        service=service,
        title="Resuelto: descarga corregida",
        body=RESOLUTION,
        public=True,
        action="resolve",
        priority="high",
    )
    Macro.objects.create(service=service, title="Acuse", body="Recibimos su queja.")
    case = _taken_case(quejas)

    log_in(page, "quejas", TEST_PASSWORD)
    page.goto(f"/casos/{case.folio}/")
    macros = page.get_by_role("region", name="Macros")
    expect(macros).to_contain_text("Comentario público · prioridad Alta · resuelve el caso")
    assert axe_violations(page) == []
    screenshot(page, f"macros-case-{viewport['width']}")

    macros.get_by_role("button", name="Aplicar «Resuelto: descarga corregida»").click()

    expect(page.locator("#estado")).to_have_text("Resuelto")
    expect(page.locator("#texto-resolucion")).to_have_text(RESOLUTION)
    expect(page.locator("ol.comments")).to_contain_text(RESOLUTION)
    expect(page.locator("ol.timeline")).to_contain_text("Macro aplicada")
    expect(page.locator("ol.timeline")).to_contain_text(
        "«Resuelto: descarga corregida» · comentario público · prioridad alta · resolvió el caso"
    )
    # A resolved case offers no resolving macro any more; the text-only one stays.
    expect(page.get_by_role("button", name="Aplicar «Resuelto: descarga corregida»")).to_have_count(
        0
    )
    assert axe_violations(page) == []
    screenshot(page, f"macros-case-resolved-{viewport['width']}")

    resolved = Case.objects.get(pk=case.pk)
    assert (resolved.status, resolved.priority, resolved.resolution) == ("resolved", 3, RESOLUTION)
    assert list(Comment.objects.filter(case=case).values_list("body", "public")) == [
        (RESOLUTION, True)
    ]
    assert CaseEvent.objects.filter(case=case, kind="macro_applied").count() == 1


def _frame_urls_once_the_viewer_loads(page: Any) -> list[str]:
    """The page's frame addresses once Chromium's PDF viewer (an extension frame) or its error
    page attached, or after 10 s."""
    for _attempt in range(50):
        urls = [frame.url for frame in page.frames]
        if any(u.startswith(("chrome-extension://", "chrome-error://")) for u in urls):
            return urls
        page.wait_for_timeout(200)
    return [frame.url for frame in page.frames]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "phone"])
def test_images_and_pdfs_open_in_the_viewer_and_office_files_download(
    page, settings, tmp_path, viewport
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    page.set_viewport_size(viewport)
    quejas = staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")
    case = _taken_case(quejas)
    now = dt.datetime.now(dt.UTC)
    for name, data in [
        ("foto.png", png(40, 30)),
        ("constancia.pdf", pdf()),
        ("oficio.docx", docx()),
        ("tabla.xlsx", xlsx()),
    ]:
        attachment_add(case.folio, SimpleUploadedFile(name, data), Actor(user=quejas), now)

    log_in(page, "quejas", TEST_PASSWORD)
    page.goto(f"/casos/{case.folio}/")
    attachments = page.get_by_role("region", name="Adjuntos")

    # The image opens in the page, loaded through the checked preview address.
    attachments.get_by_text("Ver «foto.png»").click()
    image = attachments.get_by_role("img", name="Imagen adjunta «foto.png»")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 40", arg=image.element_handle()
    )

    # The PDF opens in a frame with Chromium's own viewer (not its "blocked" page).
    attachments.get_by_text("Ver «constancia.pdf»").click()
    frame = attachments.locator("iframe.attachment-pdf")
    expect(frame).to_be_visible()
    urls = _frame_urls_once_the_viewer_loads(page)
    assert any(u.startswith("chrome-extension://") for u in urls), urls
    assert not any(u.startswith("chrome-error://") for u in urls), urls
    assert axe_violations(page) == []
    screenshot(page, f"attachment-viewer-{viewport['width']}")

    # Word and Excel files download, named as uploaded, and offer no viewer.
    for name in ("oficio.docx", "tabla.xlsx"):
        expect(attachments.get_by_text(f"Ver «{name}»")).to_have_count(0)
        with page.expect_download() as download:
            attachments.get_by_role("link", name=name).click()
        assert download.value.suggested_filename == name
