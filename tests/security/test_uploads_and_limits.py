"""Uploads are sniffed, not trusted by name; oversized and malformed requests are refused early."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from cases.models import Attachment

from .support import World

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _docm() -> bytes:
    """A Word file with macros (vbaProject.bin): refused even though it is a zip with Word parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


DISGUISED = {
    "html": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "script": b"#!/bin/sh\nrm -rf /\n",
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
    "windows exe": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
    "zip": b"PK\x03\x04" + b"\x00" * 40,
    "macro document": _docm(),
    "text hiding html": b"Hola\n\n<iframe src=https://evil.example></iframe>",
}


@pytest.mark.parametrize("kind", sorted(DISGUISED))
def test_a_pdf_name_does_not_make_hostile_content_a_pdf(world: World, kind):
    before = Attachment.objects.count()
    upload = SimpleUploadedFile("constancia.pdf", DISGUISED[kind], content_type="application/pdf")
    api = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/attachments/", {"file": upload}, format="multipart"
    )
    assert api.status_code == 400
    assert [e["code"] for e in api.json()["errors"]] == ["type_not_allowed"]
    upload = SimpleUploadedFile("constancia.pdf", DISGUISED[kind], content_type="application/pdf")
    page = world.session("agent").post(f"/casos/{world.case.folio}/adjuntos/", {"file": upload})
    assert page.status_code == 302
    assert Attachment.objects.count() == before


def test_a_real_pdf_is_stored_with_its_sniffed_type_whatever_its_name(world):
    upload = SimpleUploadedFile(
        "foto.exe", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/x-msdownload"
    )
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert Attachment.objects.get(pk=response.json()["id"]).content_type == "application/pdf"


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_attachment_over_the_limit_is_refused(world):
    upload = SimpleUploadedFile("grande.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["too_large"]


def test_an_oversized_json_body_is_413_with_a_problem_body(world):
    before = world.footprint()
    body = b'{"body": "' + b"x" * (3 * 1024 * 1024) + b'", "public": false}'
    response = world.api("owner").post(
        f"/api/v1/cases/{world.case.folio}/comments/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 413
    assert world.footprint() == before


def test_an_oversized_multipart_upload_is_413_before_it_is_read(world):
    limit = 1024
    with override_settings(ATTACHMENT_MAX_BYTES=limit):
        upload = SimpleUploadedFile("grande.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
        response = world.api("owner").post(
            f"/api/v1/cases/{world.case.folio}/attachments/", {"file": upload}, format="multipart"
        )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_an_oversized_form_on_a_page_is_refused(world):
    before = world.footprint()
    session = world.session("agent")
    path = f"/casos/{world.case.folio}/comentarios/"
    form = urlencode({"body": "x" * (3 * 1024 * 1024)})
    response = session.post(path, form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    # A multipart form may carry a file, so its guard is larger; Django still refuses a text
    # field over DATA_UPLOAD_MAX_MEMORY_SIZE (400).
    assert session.post(path, {"body": "x" * (3 * 1024 * 1024)}).status_code == 400
    assert world.footprint() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/%00/",
        "/api/v1/cases/?q=%00",
        "/api/v1/cases/?service=QUEJA%00",
        "/api/v1/cases/?nss=%00",
        "/api/v1/cases/?curp=%00",
        "/api/v1/cases/?external_reference=%00",
    ],
)
def test_a_nul_character_in_an_api_address_is_a_400_problem(world, path):
    response = world.api("owner").get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "path",
    [
        "/casos/%00/",
        "/casos/?cola=all&q=%00",
        "/atencion/registro/servicios/?channel=CESI&service_q=%00",
        "/atencion/registro/servicios/informacion/?service=%00&channel=CESI",
    ],
)
def test_a_nul_character_in_a_page_address_is_a_400(world, path):
    assert world.session("supervisor").get(path).status_code == 400


def test_a_nul_character_in_the_public_look_up_is_a_400(db):
    assert Client().get("/api/v1/public/cases/ATN-2026-1/?code=%00").status_code == 400
