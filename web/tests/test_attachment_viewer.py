"""The case page's attachment viewer: images and PDFs inline and sandboxed, the rest downloaded,
markup never inline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.events import Actor
from cases.models import Attachment
from cases.services import attachment_add
from tests.support.cases import make_case, staff
from tests.support.files import docx, pdf, png, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def quejas_staff(db):
    return staff("quejas", "area_staff", area_code="OPERACIONES_QUEJAS")


@pytest.fixture
def case(agent, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return make_case(Actor(user=agent))


def _attach(case, name: str, data: bytes, user) -> Attachment:
    return attachment_add(
        case.folio, SimpleUploadedFile(name, data), Actor(user=user), timezone.now()
    )


def _preview(client, attachment):
    return client.get(f"/casos/{attachment.case.folio}/adjuntos/{attachment.pk}/vista/")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("foto.png", png(), "image/png"), ("constancia.pdf", pdf(), "application/pdf")],
)
def test_images_and_pdfs_are_served_inline_and_sandboxed(
    client, case, quejas_staff, name, data, content_type
):
    attachment = _attach(case, name, data, quejas_staff)
    client.force_login(quejas_staff)
    response = _preview(client, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'self'; sandbox"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "data"),
    [("oficio.docx", docx()), ("tabla.xlsx", xlsx()), ("nota.txt", b"Hola, una nota.")],
)
def test_everything_else_still_downloads(client, case, quejas_staff, name, data):
    attachment = _attach(case, name, data, quejas_staff)
    client.force_login(quejas_staff)
    response = _preview(client, attachment)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_bytes_that_no_longer_match_their_type_are_not_inline(client, case, quejas_staff):
    # Given a stored "PNG" whose bytes are SVG with a script (a tampered row or file)
    attachment = _attach(case, "foto.png", png(), quejas_staff)
    with attachment.file.storage.open(attachment.file.name, "wb") as handle:
        handle.write(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    client.force_login(quejas_staff)
    response = _preview(client, attachment)
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("dibujo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("pagina.html", b"<!doctype html><script>alert(1)</script>"),
        ("pagina.png", b"<html><body onload=alert(1)></body></html>"),
    ],
)
def test_svg_and_html_uploads_are_refused_so_never_served(client, case, quejas_staff, name, data):
    client.force_login(quejas_staff)
    client.post(
        f"/casos/{case.folio}/adjuntos/", {"file": SimpleUploadedFile(name, data, "image/svg+xml")}
    )
    assert not Attachment.objects.filter(case=case).exists()


def test_the_preview_checks_access_like_the_download(client, case, quejas_staff):
    attachment = _attach(case, "foto.png", png(), quejas_staff)
    client.force_login(staff("cartera", "area_staff", area_code="CARTERA_CANCELACION"))
    assert _preview(client, attachment).status_code == 404
    client.logout()
    response = _preview(client, attachment)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_images_as_img_pdfs_in_a_frame_and_links_the_rest(
    client, case, quejas_staff
):
    image = _attach(case, "foto.png", png(), quejas_staff)
    document = _attach(case, "constancia.pdf", pdf(), quejas_staff)
    sheet = _attach(case, "tabla.xlsx", xlsx(), quejas_staff)
    client.force_login(quejas_staff)
    html = client.get(f"/casos/{case.folio}/").content.decode()
    folio = case.folio
    assert (
        f'<img class="attachment-image mt-2" src="/casos/{folio}/adjuntos/{image.pk}/vista/"'
        in html
    )
    assert (
        f'<iframe class="attachment-pdf mt-2" src="/casos/{folio}/adjuntos/{document.pk}/vista/"'
        in html
    )
    assert f"/casos/{folio}/adjuntos/{sheet.pk}/vista/" not in html
    assert f'href="/casos/{folio}/adjuntos/{sheet.pk}/"' in html
