"""An agent of the e-mail office works "Correo por clasificar" in a real browser: one message
becomes a case (with its attachment), another goes to an existing case, a third is discarded
with a reason; every page passes axe (WCAG 2.1 A/AA) and the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Attachment, Case, Comment
from inbound.models import InboundMessage, MessageStatus
from tests.support.accounts import TEST_PASSWORD, StaffFactory
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import make_case
from tests.support.inbound import PDF_BYTES, pending_message

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_an_agent_classifies_the_e_mail_queue(page, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    agent = StaffFactory(username="correo", role="agent", office_code="INFONATEL_CC")
    existing = make_case(Actor(user=agent), route=False, channel="MICUENTA", office="INFONATEL_CC")
    to_case = pending_message(
        subject="No puedo descargar mi constancia <script>x</script>",
        attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),),
    )
    to_attach = pending_message(subject="Más datos de mi queja", body="Les envío mi acuse.")
    to_discard = pending_message(subject="Oferta imperdible", sender="ofertas@example.com")

    log_in(page, "correo", TEST_PASSWORD)
    page.get_by_role("link", name="Correo por clasificar").click()
    expect(page.get_by_role("heading", name="Correo por clasificar")).to_be_visible()
    expect(page.locator("#correos tbody tr")).to_have_count(3)
    screenshot(page, "30-inbound-queue")
    assert axe_violations(page) == []

    # 1. A case from the first message, the names prefilled from the sender
    page.get_by_role("link", name="No puedo descargar mi constancia <script>x</script>").click()
    expect(page.locator("#texto-correo")).to_contain_text("la página falla")
    expect(page.get_by_label("Nombre(s)")).to_have_value("Ana")
    screenshot(page, "31-inbound-message")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Crear caso").click()  # no service chosen yet
    expect(page.locator("#id_service-error")).to_contain_text("Elija el servicio del caso.")
    assert axe_violations(page) == []
    page.get_by_label("Servicio").select_option("QUEJA_CANALES_DIGITALES")
    page.get_by_role("button", name="Crear caso").click()
    case = Case.objects.exclude(pk=existing.pk).get()
    expect(page.get_by_role("status")).to_contain_text(
        f"Caso {case.folio} creado a partir del correo."
    )
    expect(page.locator("#correos tbody tr")).to_have_count(2)

    # 2. The second message to the existing case
    page.get_by_role("link", name="Más datos de mi queja").click()
    page.get_by_label("Folio del caso").fill(existing.folio)
    page.get_by_role("button", name="Agregar al caso").click()
    expect(page.get_by_role("status")).to_contain_text(f"Correo agregado al caso {existing.folio}.")

    # 3. The third one discarded with a reason
    page.get_by_role("link", name="Oferta imperdible").click()
    page.get_by_label("Motivo").fill("Correo no deseado (spam)")
    page.get_by_role("button", name="Descartar correo").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Correo descartado: Correo no deseado (spam)."
    )
    expect(page.get_by_text("No hay correos por clasificar.")).to_be_visible()
    assert axe_violations(page) == []

    # Nothing lost: each message ended in exactly one decision, visible in its history
    assert dict(InboundMessage.objects.values_list("pk", "status")) == {
        to_case.pk: MessageStatus.CASE_CREATED,
        to_attach.pk: MessageStatus.ATTACHED,
        to_discard.pk: MessageStatus.DISCARDED,
    }
    assert list(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "acuse.pdf"
    ]
    assert Comment.objects.get(case=existing).body == "Les envío mi acuse."
    page.goto(f"/correo/{to_discard.pk}/")
    expect(page.locator("#historial")).to_contain_text("Correo no deseado (spam)")
    expect(page.locator("#estado-correo")).to_have_text("Descartado")
    assert axe_violations(page) == []


def test_on_a_phone_the_e_mail_pages_fit_and_pass_axe(page):
    StaffFactory(username="correo", role="agent", office_code="INFONATEL_CC")
    message = pending_message(
        subject="Asunto muy largo " * 8,
        body="Una línea larga sin espacios: " + "x" * 300,
        attachments=(("acuse.pdf", "application/pdf", PDF_BYTES),),
        refused=("programa.exe",),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "correo", TEST_PASSWORD)
    found: list[str] = []
    for path in ("/correo/", f"/correo/{message.pk}/"):
        page.goto(path)
        found.extend(axe_violations(page))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: {width}px"
    page.get_by_role("button", name="Descartar correo").click()  # no reason: refused
    page.locator("#id_reason-error").wait_for()
    found.extend(axe_violations(page))
    screenshot(page, "32-inbound-message-phone")
    assert found == []
