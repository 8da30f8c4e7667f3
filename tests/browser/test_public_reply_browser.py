"""The citizen answers on the status page in a real browser: a message and a document, seen in
the public timeline at once; the page passes axe (WCAG 2.1 A/AA) with the reply form open."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from cases.events import Actor
from cases.models import Attachment, Comment
from tests.support.browser import axe_violations, requires_chromium, screenshot
from tests.support.cases import make_case

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_citizen_replies_with_a_document(page, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    case = make_case(Actor(), route=False, subject="Constancia")

    page.goto("/consulta/")
    page.get_by_label("Folio").fill(case.folio)
    page.get_by_label("Código de seguimiento").fill(case.tracking_code)
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("heading", name="Responder sobre su caso")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Su respuesta").fill("Adjunto mi identificación oficial.")
    page.get_by_label("Documento (opcional)").set_input_files(
        {"name": "ine.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Enviar respuesta").click()

    expect(page.get_by_role("status")).to_contain_text("Recibimos su respuesta")
    expect(page.locator("#mensajes-publicos")).to_contain_text("Adjunto mi identificación oficial.")
    expect(page.locator("#mensajes-publicos")).to_contain_text("Usted")
    screenshot(page, "20-public-reply")
    assert axe_violations(page) == []
    assert list(Comment.objects.values_list("body", "by_citizen")) == [
        ("Adjunto mi identificación oficial.", True)
    ]
    assert list(Attachment.objects.values_list("original_name", "content_type")) == [
        ("ine.pdf", "application/pdf")
    ]
