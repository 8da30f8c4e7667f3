"""The public filing portal in a real browser (issue 18 §3 and §4): a queja filed and its
e-mail confirmed by the link in the mail, an anonymous denuncia whose reporter answers the
integrity area's question on /consulta/ with folio and code only; axe on every page, phone
width too."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.models import UserProfile
from cases.models import Attachment, Case, CaseStatus, Comment
from tests.support.accounts import TEST_PASSWORD
from tests.support.browser import axe_violations, log_in, requires_chromium, screenshot
from tests.support.cases import ANA_NSS, staff

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    mail.outbox = []
    yield
    cache.clear()


def test_a_queja_is_filed_and_routed_once_the_email_is_confirmed(page, live_server):
    page.goto("/presentar/")
    expect(page.get_by_role("heading", name="Quejas")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Queja sobre Mi Cuenta Infonavit o la app").click()
    expect(page.locator("#sla-promise")).to_contain_text("Respuesta a más tardar el")
    assert axe_violations(page) == []

    page.get_by_label("Nombre(s)").fill("Ana")
    page.get_by_label("Primer apellido").fill("Pérez")
    page.get_by_label("Correo electrónico").fill("ana@example.com")
    page.get_by_label("NSS (opcional)").fill("12345678901")  # wrong check digit
    page.get_by_label("Describa su caso").fill("No puedo descargar mi constancia de intereses.")
    page.get_by_role("button", name="Presentar").click()
    expect(page.locator("#nss-error")).to_be_visible()
    expect(page.get_by_label("Describa su caso")).to_have_value(
        "No puedo descargar mi constancia de intereses."
    )
    screenshot(page, "30-portal-errors")
    assert axe_violations(page) == []
    assert Case.objects.count() == 0

    page.get_by_label("NSS (opcional)").fill(ANA_NSS)
    page.get_by_label("Documentos (opcional)").set_input_files(
        {"name": "captura.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Presentar").click()
    expect(page.get_by_role("heading", name="Recibimos su caso")).to_be_visible()
    case = Case.objects.get()
    expect(page.locator("#folio")).to_have_text(case.folio)
    expect(page.locator("#codigo")).to_have_text(case.tracking_code)
    expect(page.locator("#confirmar-aviso")).to_contain_text("a***@example.com")
    screenshot(page, "31-portal-done")
    assert axe_violations(page) == []
    assert case.status == CaseStatus.NEW and case.awaiting_email_confirmation
    assert [a.original_name for a in Attachment.objects.filter(case=case)] == ["captura.pdf"]

    [confirmation] = mail.outbox
    link = re.search(r"https?://\S+?(/presentar/confirmar/[^/\s]+/)", confirmation.body)
    assert link is not None
    page.goto(link.group(1))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmar mi correo").click()
    expect(page.locator("#confirmado")).to_contain_text("ya se turnó")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and not case.awaiting_email_confirmation
    assert [m.subject for m in mail.outbox][1:] == [f"Registramos su caso {case.folio}"]

    page.get_by_role("link", name="Consultar el estado de mi caso").click()
    expect(page.get_by_label("Folio")).to_have_value(case.folio)
    expect(page.locator("#ir-al-portal")).to_be_visible()


def test_an_anonymous_reporter_answers_the_integrity_areas_question(page, live_server):
    integrity = staff("integridad", "area_staff", area_code="OPERACIONES_INTEGRIDAD")
    UserProfile.objects.filter(user=integrity).update(can_view_sealed_identity=True)

    page.goto("/presentar/?servicio=DENUNCIA_CORRUPCION")
    page.get_by_label("Presentar la denuncia de forma anónima").check()
    page.get_by_label("Sus datos, si desea darlos (opcional)").fill("Empleado de la delegación")
    page.get_by_label("Describa su caso").fill("Un gestor cobra por citas en la delegación.")
    page.get_by_role("button", name="Presentar").click()
    expect(page.locator("#anonimo-aviso")).to_be_visible()
    folio = page.locator("#folio").inner_text()
    code = page.locator("#codigo").inner_text()
    case = Case.objects.get(folio=folio)
    assert case.anonymous and case.contact_id is None and case.status == CaseStatus.ASSIGNED
    assert mail.outbox == []

    # The integrity area asks a question: a public comment on the case.
    reporter = page
    staff_page = page.context.browser.new_page(base_url=live_server.url, locale="es-MX")
    log_in(staff_page, "integridad", TEST_PASSWORD)
    staff_page.goto(f"/casos/{folio}/")
    staff_page.get_by_label("Nuevo comentario").fill("¿En qué fecha le pidieron el pago?")
    staff_page.get_by_label("Visible para el ciudadano (respuesta pública)").check()
    staff_page.get_by_role("button", name="Agregar comentario").click()
    expect(staff_page.locator(".comments")).to_contain_text("¿En qué fecha le pidieron el pago?")

    # The reporter reads it and answers with a document, giving folio and code only.
    reporter.goto("/consulta/")
    reporter.get_by_label("Folio").fill(folio)
    reporter.get_by_label("Código de seguimiento").fill(code.lower())
    reporter.get_by_role("button", name="Consultar").click()
    expect(reporter.locator("#mensajes-publicos")).to_contain_text("¿En qué fecha le pidieron")
    reporter.get_by_label("Su respuesta").fill("Fue el 3 de noviembre; adjunto el recibo.")
    reporter.get_by_label("Documento (opcional)").set_input_files(
        {"name": "recibo.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    reporter.get_by_role("button", name="Enviar respuesta").click()
    expect(reporter.get_by_role("status")).to_contain_text("Recibimos su respuesta")
    expect(reporter.locator("#mensajes-publicos")).to_contain_text("Fue el 3 de noviembre")
    screenshot(reporter, "32-anonymous-reply")
    assert axe_violations(reporter) == []

    reply = Comment.objects.get(case=case, by_citizen=True)
    assert reply.body == "Fue el 3 de noviembre; adjunto el recibo."
    assert reply.author_user is None and reply.author_client is None
    assert list(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "recibo.pdf"
    ]
    assert "127.0.0.1" not in str(list(case.events.values_list("data", flat=True)))
    staff_page.reload()
    expect(staff_page.locator(".comments")).to_contain_text("Respuesta del ciudadano")
    staff_page.close()
    assert mail.outbox == []  # nobody to write to: an anonymous reporter has no address


def test_on_a_phone_the_portal_fits_and_passes_axe(page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/presentar/", "/presentar/?servicio=DENUNCIA_CORRUPCION"):
        page.goto(path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    screenshot(page, "33-portal-phone")


def test_documents_over_the_limit_are_caught_before_sending(page, settings):
    settings.PUBLIC_FILING_MAX_UPLOAD_BYTES = 100
    page.goto("/presentar/?servicio=QUEJA_CANALES_DIGITALES")
    page.get_by_label("Describa su caso").fill("Mi texto se queda.")
    page.get_by_label("Documentos (opcional)").set_input_files(
        {"name": "grande.pdf", "mimeType": "application/pdf", "buffer": PDF + b"0" * 200}
    )
    expect(page.locator("#documentos-limit")).to_have_text(
        "Los documentos suman más de 100\xa0bytes; elija menos o más ligeros."
    )
    assert page.evaluate("document.getElementById('id_documentos').files.length") == 0
    expect(page.get_by_label("Describa su caso")).to_have_value("Mi texto se queda.")
    assert axe_violations(page) == []


def test_a_double_click_on_presentar_files_one_case(page):
    page.goto("/presentar/?servicio=DENUNCIA_CORRUPCION")
    # The button is disabled as the form is sent (a listener after app.js's holds the send).
    page.evaluate(
        "window.addEventListener('submit', function (event) {"
        "  window.sentDisabled = document.querySelector('#presentar [type=submit]').disabled;"
        "  event.preventDefault(); })"
    )
    page.get_by_label("Presentar la denuncia de forma anónima").check()
    page.get_by_role("button", name="Presentar").click()
    assert page.evaluate("window.sentDisabled") is True
    assert Case.objects.count() == 0

    page.reload()
    page.get_by_label("Presentar la denuncia de forma anónima").check()
    page.get_by_label("Describa su caso").fill("Un gestor cobra por citas en la delegación.")
    page.get_by_role("button", name="Presentar").dblclick()
    expect(page.locator("#anonimo-aviso")).to_be_visible()
    case = Case.objects.get()
    expect(page.locator("#folio")).to_have_text(case.folio)
